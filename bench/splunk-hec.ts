/**
 * bench/splunk-hec: HEC events/s into the real local Kafka. Load comes from a child process (the
 * receiver keeps this one): N keep-alive connections, each posting batches of `--batch`
 * concatenated JSON events (~230 bytes each) as fast as answers come back.
 *
 *   node --import tsx bench/splunk-hec.ts -- --events 200000 --connections 8 --batch 100 --ack true
 *
 * With `--ack true` (the default) each connection has its own channel and polls
 * `/services/collector/ack` until every ackId is true, so the figure counts events Kafka holds
 * (acks=all), not events merely accepted. With `--ack false` the 200 itself means durable.
 * Prints events/s, p50/p99 request latency, p50/p99 ack latency, and checks Kafka holds exactly
 * `--events` records.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startStages } from '../cli/stages.js';
import { withHecDefaults } from '../ingest/inputs/splunk-hec/index.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { testConfig } from '../test/support/config.js';
import { num } from './args.js';

interface Load {
  url: string;
  token: string;
  events: number;
  connections: number;
  batch: number;
  ack: boolean;
}

interface LoadResult {
  requestMs: number[];
  ackMs: number[];
  startedAt: number;
  lastAckAt: number;
  refused: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The load generator (child process). */
async function generate(load: Load): Promise<LoadResult> {
  const requestMs: number[] = [];
  const ackMs: number[] = [];
  let refused = 0;
  let next = 0;
  const startedAt = performance.now();
  let lastAckAt = startedAt;
  const body = (from: number, n: number) => {
    let s = '';
    for (let i = from; i < from + n; i++) {
      s += `{"time":${(1700000000 + i / 1000).toFixed(3)},"host":"web${i % 16}","source":"/var/log/app.log","sourcetype":"app:json","event":{"message":"user alice logged in from 203.0.113.${i % 250}","severity":"info","seq":${i}}}\n`;
    }
    return s;
  };
  const worker = async () => {
    const channel = randomUUID();
    const headers = { Authorization: `Splunk ${load.token}`, 'X-Splunk-Request-Channel': channel };
    const pending = new Map<number, number>(); // ackId → sent at
    const poll = async () => {
      if (pending.size === 0) return;
      const res = await fetch(`${load.url}/services/collector/ack`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ acks: [...pending.keys()] }),
      });
      const acks = ((await res.json()) as { acks: Record<string, boolean> }).acks;
      const now = performance.now();
      for (const [id, ok] of Object.entries(acks)) {
        if (!ok) continue;
        ackMs.push(now - (pending.get(Number(id)) as number));
        pending.delete(Number(id));
        lastAckAt = now;
      }
    };
    while (next < load.events) {
      const from = next;
      const n = Math.min(load.batch, load.events - from);
      next += n;
      const t0 = performance.now();
      for (;;) {
        const res = await fetch(`${load.url}/services/collector/event`, { method: 'POST', headers, body: body(from, n) });
        const reply = (await res.json()) as { code: number; ackId?: number };
        if (res.status === 200) {
          requestMs.push(performance.now() - t0);
          if (reply.ackId !== undefined) pending.set(reply.ackId, t0);
          else lastAckAt = performance.now();
          break;
        }
        refused++; // 503 code 9: back off and resend, as a client would
        await new Promise((r) => setTimeout(r, 20));
      }
      if (load.ack && pending.size >= 20) await poll();
    }
    while (pending.size > 0) {
      await poll();
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 5));
    }
  };
  await Promise.all(Array.from({ length: load.connections }, worker));
  return { requestMs, ackMs, startedAt, lastAckAt, refused };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      events: { type: 'string', default: '200000' },
      connections: { type: 'string', default: '8' },
      batch: { type: 'string', default: '100' },
      ack: { type: 'string', default: 'true' },
      compression: { type: 'string' },
    },
  });
  process.env.VIGIL_LOG_LEVEL ??= 'warn';
  const token = randomUUID();
  const ack = values.ack !== 'false';
  const config = testConfig('bench-hec');
  if (values.compression === 'none' || values.compression === 'gzip') config.kafka.compression = values.compression;
  config.inputs = [
    withHecDefaults({ id: 'hec', port: 0, tokens: [{ token, ack }], ackMaxPerChannel: 100_000, maxPendingEvents: 1_000_000 }),
  ];
  const pipeline = await startStages(config, ['ingest']);
  try {
    const load: Load = {
      url: `http://127.0.0.1:${pipeline.ports.hec as number}`,
      token,
      events: num(values, 'events'),
      connections: num(values, 'connections'),
      batch: num(values, 'batch'),
      ack,
    };
    const child = fork(fileURLToPath(import.meta.url), ['--role', 'load'], { execArgv: ['--import', 'tsx'] });
    child.send(load);
    const result = await new Promise<LoadResult>((resolve, reject) => {
      child.once('message', (m) => resolve(m as LoadResult));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`load generator exited with ${String(code)}`)));
    });
    child.kill();
    const seconds = (result.lastAckAt - result.startedAt) / 1000;
    const inKafka = await pipeline.bus.countRecords(pipeline.bus.topics.events);
    const f = (n: number) => n.toFixed(1);
    console.log(
      [
        `HEC → Kafka (acks=all, compression ${config.kafka.compression}), ${load.connections} connections, batches of ${load.batch}, indexer acks ${ack ? 'on' : 'off'}`,
        `  events:           ${load.events} in ${seconds.toFixed(2)} s → ${Math.round(load.events / seconds)} events/s (durable: ${ack ? 'last ackId true' : 'last 200'})`,
        `  request latency:  p50 ${f(percentile(result.requestMs, 50))} ms, p99 ${f(percentile(result.requestMs, 99))} ms (${result.requestMs.length} requests)`,
        ack
          ? `  ack latency:      p50 ${f(percentile(result.ackMs, 50))} ms, p99 ${f(percentile(result.ackMs, 99))} ms (send → ackId seen true)`
          : '',
        `  refused (busy):   ${result.refused}`,
        `  records in Kafka: ${inKafka} (${inKafka === load.events ? 'exactly once' : 'MISMATCH'})`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  } finally {
    await pipeline.close();
    await cleanupTest(config);
  }
}

if (process.argv.includes('--role')) {
  process.once('message', (load) => {
    void generate(load as Load).then((r) => process.send?.(r, () => process.exit(0)));
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
