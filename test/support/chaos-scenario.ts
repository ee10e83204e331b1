/**
 * One fault under a steady stream: RELP (and, optionally, plain TCP syslog lines and Splunk HEC
 * events with indexer acknowledgement) flow at a fixed
 * rate; `fault.begin` runs part-way through and `fault.end` after `fault.durationMs`; then the
 * scenario measures how long Elasticsearch took, from the end of the fault, to hold every line
 * offered until then, the backlog of the fault included (the recovery time), waits for the rest, and counts every
 * number in the index: what arrived, what is missing, and what arrived twice.
 */
import type { Client } from '@elastic/elasticsearch';
import { Bus } from '../../core/bus/index.js';
import type { ChaosRow } from './chaos-report.js';
import { census, countRange, hecEvents, hecInKafka, sendTcpSyslog, sudoLines, TCP_SEQ_BASE, type TcpSendResult } from './chaos-traffic.js';
import type { ChaosPipeline } from './chaos-pipeline.js';
import { HecAckSender, type HecAckSendStats } from './hec-ack-sender.js';
import { RelpSender } from './relp-sender.js';
import { waitFor } from './wait.js';

/** `npm run chaos` sets VIGIL_CHAOS=full: every fault at full length; `npm test` runs the short form. */
export const CHAOS_FULL = process.env.VIGIL_CHAOS === 'full';

export interface FaultSpec {
  /** The fault's name in the table. */
  name: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  /** How long the fault lasts, from the end of `begin` to the start of `end`. */
  durationMs: number;
}

export interface ScenarioOptions {
  pipeline: ChaosPipeline;
  es: Client;
  /** The index counted: `events` (ingest → sink) or `alerts` (through detect). */
  topic: 'events' | 'alerts';
  /** RELP lines, sent at `rate` per second. */
  relpLines: number;
  rate: number;
  /** Plain TCP lines sent alongside; 0 for none. */
  tcpLines?: number;
  /** Their rate per second; default `rate`. */
  tcpRate?: number;
  /** HEC events sent alongside with indexer acknowledgement (the pipeline needs `hec: true`); 0 for none. */
  hecEvents?: number;
  /** Their rate per second; default `rate`. */
  hecRate?: number;
  /** When the fault begins, in ms after the stream starts. */
  faultAfterMs: number;
  fault: FaultSpec;
  /** Recovery must take at most this long; also how long the scenario waits for it. */
  recoveryBoundMs: number;
}

export interface ScenarioResult {
  rows: ChaosRow[];
  relp: ChaosRow;
  tcp?: ChaosRow;
  hec?: ChaosRow;
  /** What the HEC sender did: requests, resends, ack timeouts. */
  hecStats?: HecAckSendStats;
  /** HEC event records in the events topic (resends included) and the distinct events among them. */
  hecKafka?: { records: number; distinct: number };
  /** RELP lines offered before the fault began. */
  offeredBeforeFault: number;
  /** From the first RELP line to the acknowledgement of the last, in ms. */
  sendMs: number;
}

/** Where a HEC event carries its number. */
const HEC_SEQ = 'vigil.splunk.event.seq';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Progress on stderr: a fault run takes minutes, and a stuck one should show where. */
const note = (fault: string, what: string) => process.stderr.write(`chaos [${new Date().toISOString()}] ${fault}: ${what}\n`);

export async function runFaultScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const index = `${o.pipeline.config.elasticsearch.indexPrefix}-${o.topic}`;
  const base = Date.now();
  const tcpCount = o.tcpLines ?? 0;
  const sender = new RelpSender({ port: o.pipeline.ports.relp, rate: o.rate });
  const abort = new AbortController();
  const relpDone = sender.send(sudoLines(o.relpLines, base), abort.signal);
  relpDone.catch(() => undefined);
  const tcpDone: Promise<TcpSendResult | undefined> =
    tcpCount > 0
      ? sendTcpSyslog(o.pipeline.ports.tcp, sudoLines(tcpCount, base, TCP_SEQ_BASE), o.tcpRate ?? o.rate)
      : Promise.resolve(undefined);
  const hecCount = o.hecEvents ?? 0;
  if (hecCount > 0 && !o.pipeline.hec) throw new Error('HEC events need a pipeline created with `hec: true`');
  const hecSender = hecCount > 0 ? new HecAckSender({ ...o.pipeline.hec!, rate: o.hecRate ?? o.rate }) : undefined;
  const hecDone = hecSender?.send(hecEvents(hecCount, base), abort.signal) ?? Promise.resolve();
  hecDone.catch(() => undefined);

  // The fault lands between two HEC ack polls: events Kafka took in the last 500 ms are
  // acknowledged by nobody when the fault begins, and are sent again after it (repeats in Kafka).
  await sleep(hecSender ? o.faultAfterMs - 500 : o.faultAfterMs);
  hecSender?.holdPolls();
  if (hecSender) await sleep(500);
  const offeredBeforeFault = sender.stats.offered;
  note(o.fault.name, `begins (${offeredBeforeFault} RELP lines offered, ${sender.stats.acked} acknowledged)`);
  await o.fault.begin();
  await sleep(o.fault.durationMs);
  await o.fault.end();
  hecSender?.resumePolls();
  const healedAt = Date.now();
  const offeredByEnd = sender.stats.offered;
  const hecOfferedByEnd = hecSender?.stats.offered ?? 0;
  note(o.fault.name, `ended (${offeredByEnd} RELP lines offered${hecSender ? `, ${hecOfferedByEnd} HEC events` : ''})`);

  // HEC's recovery, measured alongside: its sender resends only after an ack timeout.
  let hecRecoveryMs = Number.POSITIVE_INFINITY;
  const hecRecovered = hecSender
    ? waitFor(
        `the ${hecOfferedByEnd} HEC events sent until the end of "${o.fault.name}" in ${index}`,
        async () => (await countRange(o.es, index, 0, hecOfferedByEnd, HEC_SEQ)) >= hecOfferedByEnd,
        o.recoveryBoundMs + 60_000,
        250,
      )
        .then(() => (hecRecoveryMs = Date.now() - healedAt))
        .catch(() => undefined)
    : Promise.resolve();

  // Recovery: everything offered until the fault ended is in Elasticsearch.
  let recoveryMs = Number.POSITIVE_INFINITY;
  await waitFor(
    `the ${offeredByEnd} lines sent until the end of "${o.fault.name}" in ${index}`,
    async () => (await countRange(o.es, index, 0, offeredByEnd)) >= offeredByEnd,
    o.recoveryBoundMs + 60_000,
    250,
  )
    .then(() => (recoveryMs = Date.now() - healedAt))
    .catch(() => undefined);
  await hecRecovered;
  note(o.fault.name, `recovered in ${recoveryMs} ms${hecSender ? ` (HEC: ${hecRecoveryMs} ms)` : ''}`);

  // The senders stop only once the pipeline acknowledged every line.
  const giveUp = setTimeout(() => abort.abort(), o.recoveryBoundMs + 120_000);
  await relpDone.catch(() => undefined);
  await hecDone.catch(() => undefined);
  clearTimeout(giveUp);
  const sendMs = Math.max(...sender.ackedAt.values()) - base;
  const tcp = await tcpDone;
  note(
    o.fault.name,
    `senders done (RELP ${JSON.stringify(sender.stats)}, TCP ${JSON.stringify(tcp ?? null)}, HEC ${JSON.stringify(hecSender?.stats ?? null)})`,
  );
  if (hecSender) {
    await waitFor(
      `all ${hecCount} HEC events in ${index}`,
      async () => (await countRange(o.es, index, 0, hecCount, HEC_SEQ)) >= hecCount,
      o.recoveryBoundMs + 60_000,
      500,
    ).catch(() => undefined);
  }
  await waitFor(
    `all ${o.relpLines} RELP lines in ${index}`,
    async () => (await countRange(o.es, index, 0, o.relpLines)) >= o.relpLines,
    o.recoveryBoundMs + 60_000,
    500,
  ).catch(() => undefined);
  // Plain TCP has no end marker: wait until its count stops growing.
  if (tcp) {
    let last = -1;
    await waitFor(
      `the TCP count in ${index} to settle`,
      async () => {
        const now = await countRange(o.es, index, TCP_SEQ_BASE, TCP_SEQ_BASE + tcp.written);
        const settled = now === last;
        last = now;
        return settled && now > 0;
      },
      120_000,
      3000,
    ).catch(() => undefined);
  }

  const r = await census(o.es, index, 0, o.relpLines);
  const relp: ChaosRow = {
    fault: o.fault.name,
    input: `relp → ${o.topic}`,
    sent: o.relpLines,
    acked: sender.stats.acked,
    inElasticsearch: r.distinct,
    duplicates: r.docs - r.distinct,
    lost: r.missing.length,
    recoveryMs,
    boundMs: o.recoveryBoundMs,
  };
  const rows = [relp];
  let tcpRow: ChaosRow | undefined;
  if (tcp) {
    const t = await census(o.es, index, TCP_SEQ_BASE, TCP_SEQ_BASE + tcp.written);
    tcpRow = {
      fault: o.fault.name,
      input: `tcp → ${o.topic}`,
      sent: tcp.written,
      inElasticsearch: t.distinct,
      duplicates: t.docs - t.distinct,
      lost: t.missing.length,
      recoveryMs,
      boundMs: o.recoveryBoundMs,
    };
    rows.push(tcpRow);
  }
  let hecRow: ChaosRow | undefined;
  let hecKafka: { records: number; distinct: number } | undefined;
  if (hecSender) {
    const h = await census(o.es, index, 0, hecCount, HEC_SEQ);
    const bus = new Bus(o.pipeline.config.kafka, 'chaos-census');
    hecKafka = await hecInKafka(bus).finally(() => bus.close().catch(() => undefined));
    note(o.fault.name, `HEC in Kafka: ${hecKafka.records} records of ${hecKafka.distinct} events`);
    hecRow = {
      fault: o.fault.name,
      input: `hec with acks → ${o.topic} (${hecSender.stats.resent} resent, ${hecKafka.records - hecKafka.distinct} repeated in Kafka)`,
      sent: hecCount,
      acked: hecSender.stats.acked,
      inElasticsearch: h.distinct,
      duplicates: h.docs - h.distinct,
      lost: h.missing.length,
      recoveryMs: hecRecoveryMs,
      boundMs: o.recoveryBoundMs,
    };
    rows.push(hecRow);
  }
  return {
    rows,
    relp,
    ...(tcpRow ? { tcp: tcpRow } : {}),
    ...(hecRow && hecSender && hecKafka ? { hec: hecRow, hecStats: { ...hecSender.stats }, hecKafka } : {}),
    offeredBeforeFault,
    sendMs,
  };
}
