/**
 * Traffic for the fault tests and how it is counted. Every line is a sudo root shell (one alert
 * each, from the shipped Sigma rule) whose syslog PROCID is its sequence number + 1, so that
 * the event, its alert and its incident carry the number in `process.pid`, and its host and
 * user are its own, so that each alert opens an incident of its own. A line's bytes are fixed
 * by its number and the run's base time: a resend has the same deterministic event id.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Bus } from '../../core/bus/index.js';
import { connect, type Socket } from 'node:net';

/** Plain TCP syslog lines are numbered from here, RELP ones from 0: one index holds both. */
export const TCP_SEQ_BASE = 1_000_000;

export function sudoLine(seq: number, baseMs: number): string {
  const at = new Date(baseMs + seq).toISOString();
  return `<86>1 ${at} h${seq} sudo ${seq + 1} - - u${seq} : TTY=pts/0 ; PWD=/home/u${seq} ; USER=root ; COMMAND=/bin/bash -i`;
}

export function sudoLines(count: number, baseMs: number, first = 0): string[] {
  return Array.from({ length: count }, (_, i) => sudoLine(first + i, baseMs));
}

/**
 * One HEC `/event` envelope per number: the number in `event.seq` (Elasticsearch maps it as a
 * long under `vigil.splunk.event`), its time fixed by the run's base time, so that a resend is
 * byte for byte the same envelope and has the same deterministic event id.
 */
export function hecEvent(seq: number, baseMs: number): string {
  const time = ((baseMs + seq) / 1000).toFixed(3);
  return `{"time":${time},"host":"hec${seq}","source":"vigil-chaos","sourcetype":"vigil:chaos","event":{"message":"chaos event ${seq}","seq":${seq}}}`;
}

export function hecEvents(count: number, baseMs: number): string[] {
  return Array.from({ length: count }, (_, i) => hecEvent(i, baseMs));
}

/** How many records of the events topic are HEC events of the chaos stream, and how many distinct numbers they carry. */
export async function hecInKafka(bus: Bus): Promise<{ records: number; distinct: number }> {
  const topic = bus.topics.events;
  const total = await bus.countRecords(topic);
  const records = await bus.read(topic, { until: (r) => r.length >= total, timeoutMs: 60_000 });
  const seen = new Set<number>();
  let hec = 0;
  for (const r of records) {
    const v = JSON.parse(r.value.toString('utf8')) as { vigil?: { splunk?: { source?: string; event?: { seq?: unknown } } } };
    const seq = v.vigil?.splunk?.source === 'vigil-chaos' ? v.vigil.splunk.event?.seq : undefined;
    if (typeof seq !== 'number') continue;
    hec++;
    seen.add(seq);
  }
  return { records: hec, distinct: seen.size };
}

/** What one index holds of the sequence numbers in [from, to). */
export interface Census {
  /** Documents in the range. */
  docs: number;
  /** Distinct sequence numbers among them. */
  distinct: number;
  /** Numbers in the range with no document. */
  missing: number[];
}

/**
 * Where a document carries its number: syslog lines as their number + 1 in `process.pid` (events
 * and alerts) or in an incident's first event, HEC events as the number itself.
 */
export type SeqField = 'process.pid' | 'incident.event.process.pid' | 'vigil.splunk.event.seq';

/** What a document's field holds minus its number. */
const offsetOf = (field: SeqField) => (field === 'vigil.splunk.event.seq' ? 0 : 1);

const pidRange = (from: number, to: number, field: SeqField) => ({
  range: { [field]: { gte: from + offsetOf(field), lt: to + offsetOf(field) } },
});

function pidOf(source: unknown, field: SeqField): unknown {
  let v: unknown = source;
  for (const part of field.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** Counts documents of `index` whose number is in [from, to), reading every one (exact, no cardinality estimate). */
export async function census(es: Client, index: string, from: number, to: number, field: SeqField = 'process.pid'): Promise<Census> {
  await es.indices.refresh({ index, ignore_unavailable: true });
  const seen = new Set<number>();
  let docs = 0;
  let res = await es.search({
    index,
    ignore_unavailable: true,
    scroll: '1m',
    size: 5000,
    _source: [field],
    query: pidRange(from, to, field),
  });
  for (;;) {
    const hits = res.hits.hits;
    if (hits.length === 0) break;
    for (const h of hits) {
      docs++;
      const pid = pidOf(h._source, field);
      if (typeof pid === 'number') seen.add(pid - offsetOf(field));
    }
    if (!res._scroll_id) break;
    res = await es.scroll({ scroll_id: res._scroll_id, scroll: '1m' });
  }
  if (res._scroll_id) await es.clearScroll({ scroll_id: res._scroll_id }).catch(() => undefined);
  const missing: number[] = [];
  for (let s = from; s < to; s++) if (!seen.has(s)) missing.push(s);
  return { docs, distinct: seen.size, missing };
}

/** Documents of `index` whose number is in [from, to) (duplicates counted), refreshed first. */
export async function countRange(es: Client, index: string, from: number, to: number, field: SeqField = 'process.pid'): Promise<number> {
  await es.indices.refresh({ index, ignore_unavailable: true });
  return (await es.count({ index, ignore_unavailable: true, query: pidRange(from, to, field) })).count;
}

export interface TcpSendResult {
  /** Lines written into a socket the peer had not closed (the sender's view of "sent"). */
  written: number;
  /** Times the connection broke and a new one was opened. */
  reconnects: number;
}

/**
 * Plain syslog over TCP, octet-counted (RFC 6587 §3.4.1), at `rate` lines/s, as a sender
 * without acknowledgements behaves: when the connection breaks, it reconnects and goes on with
 * the next line; what was written into the broken connection is not sent again.
 */
export async function sendTcpSyslog(port: number, lines: readonly string[], rate: number): Promise<TcpSendResult> {
  const out: TcpSendResult = { written: 0, reconnects: 0 };
  const started = Date.now();
  let socket: Socket | undefined;
  let broken = true;
  for (let i = 0; i < lines.length;) {
    if (broken) {
      if (socket) out.reconnects++;
      socket?.destroy();
      socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect({ host: '127.0.0.1', port });
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      if (!socket) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      broken = false;
      socket.on('error', () => (broken = true));
      socket.on('close', () => (broken = true));
    }
    const due = Math.min(lines.length, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    if (i >= due) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    const body = Buffer.from(lines[i]!);
    const ok = socket!.write(Buffer.concat([Buffer.from(`${body.length} `), body]));
    i++;
    out.written++;
    if (!ok) await new Promise<void>((resolve) => socket!.once('drain', resolve).once('close', resolve));
  }
  await new Promise<void>((resolve) => (socket && !broken ? socket.end(resolve) : resolve()));
  return out;
}
