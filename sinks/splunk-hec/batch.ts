/**
 * Cuts encoded HEC event lines into request bodies of at most `maxEvents` events and `maxBytes`
 * bytes (before gzip). An event larger than `maxBytes` travels alone: the collector decides.
 */
export interface Chunk<T> {
  items: T[];
  body: string;
  bytes: number;
}

export function chunkLines<T extends { line: string }>(items: readonly T[], maxEvents: number, maxBytes: number): Chunk<T>[] {
  const out: Chunk<T>[] = [];
  let cur: T[] = [];
  let parts: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (cur.length === 0) return;
    out.push({ items: cur, body: parts.join('\n'), bytes });
    cur = [];
    parts = [];
    bytes = 0;
  };
  for (const item of items) {
    const size = Buffer.byteLength(item.line) + 1;
    if (cur.length > 0 && (cur.length >= maxEvents || bytes + size > maxBytes)) flush();
    cur.push(item);
    parts.push(item.line);
    bytes += size;
  }
  flush();
  return out;
}
