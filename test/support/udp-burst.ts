import { spawnSync } from 'node:child_process';

/**
 * Sends `count` datagrams of `bytes` bytes to 127.0.0.1:`port` from a child process, and blocks
 * this process's event loop until they are all sent: no socket here is read meanwhile, so a
 * small receive buffer overflows and the kernel drops what does not fit.
 */
export function udpBurstWhileBlocked(port: number, count: number, bytes = 1000): void {
  const script = [
    "const s = require('node:dgram').createSocket('udp4');",
    `const b = Buffer.alloc(${bytes}, 97);`,
    'let n = 0;',
    `const next = () => (n++ < ${count} ? s.send(b, ${port}, '127.0.0.1', next) : s.close());`,
    'next();',
  ].join('\n');
  const res = spawnSync(process.execPath, ['-e', script], { timeout: 10_000 });
  if (res.status !== 0) throw new Error(`udp burst failed: ${String(res.stderr)}`);
}

/** The value of a metric (gauge or counter) with these labels, read as a scrape would. */
export async function metricValue(
  metric: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> } | undefined,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}
