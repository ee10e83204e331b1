/**
 * A real `vigil run --stage respond` process for the playbook benches (`playbook-latency.ts`,
 * `playbook-throughput.ts`): its own topics and Redis prefix, the given playbooks, incidents
 * published to `vigil.incidents` by this process, and every audit record read back from
 * `vigil.actions` with its Kafka timestamp. Not a bench of its own.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { Bus } from '../core/bus/index.js';
import type { Publisher } from '../core/bus/types.js';
import type { AuditDocument } from '../playbooks/index.js';
import { exitOf, freePort, spawnVigil } from '../test/support/child.js';
import { cleanupTest } from '../test/support/cleanup.js';
import { SERVICES, testConfig } from '../test/support/config.js';
import { dropPrefix } from '../test/support/playbooks.js';
import { waitFor } from '../test/support/wait.js';

/** An audit record as read from `vigil.actions`. */
export interface SeenAudit {
  doc: AuditDocument;
  /** The record's Kafka timestamp (when the worker's producer sent it). */
  kafkaTs: number;
}

export interface RespondStage {
  /** The Redis key prefix of the stage's queue and runs. */
  prefix: string;
  pid: number;
  redis: Redis;
  /** Audit records in arrival order. */
  audit: SeenAudit[];
  /** How many audit records of each `event.action` arrived. */
  count(action: string): number;
  /** Publishes incident records (keyed by incident id) stamped with `timestamp`; resolves when Kafka acknowledged them. */
  publish(incidents: Array<{ incident: Record<string, unknown> }>, timestamp?: number): Promise<void>;
  /** The process's resident set size, bytes. */
  rss(): number;
  /** The process's CPU time so far (user + system), ms. */
  cpuMs(): number;
  close(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const HZ = 100;

export async function startRespondStage(opts: {
  name: string;
  playbooks: Record<string, string>;
  /** `playbooks.concurrency`: step jobs one worker runs at once. */
  concurrency: number;
  secrets?: Record<string, string>;
}): Promise<RespondStage> {
  const config = testConfig(opts.name);
  const work = mkdtempSync(join(tmpdir(), `vigil-${opts.name}-`));
  const dir = join(work, 'playbooks');
  mkdirSync(dir);
  for (const [file, text] of Object.entries(opts.playbooks)) writeFileSync(join(dir, file), text);
  const port = await freePort();
  const file = join(work, 'vigil.yaml');
  writeFileSync(
    file,
    stringify({
      ...config,
      inputs: [],
      playbooks: { ...config.playbooks, paths: [dir], concurrency: opts.concurrency, secrets: opts.secrets ?? {} },
      ops: { host: '127.0.0.1', port },
    }),
  );
  const bus = new Bus(config.kafka, opts.name);
  await bus.provision();
  const log = join(work, 'vigil.log');
  const child = await spawnVigil(['run', '--config', file, '--stage', 'respond'], log);
  const prefix = config.redis.prefix;
  const redis = new Redis(SERVICES.redis, { maxRetriesPerRequest: 3 });
  let producer: Publisher | undefined;
  const audit: SeenAudit[] = [];
  const counts = new Map<string, number>();
  let reader: { stop(): Promise<void> } | undefined;
  const close = async () => {
    await reader?.stop();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exitOf(child);
    }
    await bus.close();
    await cleanupTest(config).catch(() => undefined);
    await dropPrefix(prefix);
    await redis.quit();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `vigil healthy (log ${log})`,
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        return res !== undefined && ((await res.json()) as { ok?: boolean }).ok === true;
      },
      120_000,
    );
    reader = await bus.consume(`${opts.name}-audit`, {
      topics: [bus.topics.actions],
      component: 'bench',
      handler: async (records) => {
        for (const r of records) {
          const doc = JSON.parse(r.value.toString('utf8')) as AuditDocument;
          audit.push({ doc, kafkaTs: r.timestamp });
          counts.set(doc.event.action, (counts.get(doc.event.action) ?? 0) + 1);
        }
      },
    });
    producer = await bus.producer();
    await new Promise((r) => setTimeout(r, 3000)); // let the groups settle
  } catch (err) {
    await close();
    throw err;
  }
  const pid = child.pid as number;
  const send = producer;
  return {
    prefix,
    pid,
    redis,
    audit,
    count: (action) => counts.get(action) ?? 0,
    publish: (incidents, timestamp = Date.now()) =>
      send.send(
        bus.topics.incidents,
        incidents.map((i) => ({ key: String(i.incident.id), value: JSON.stringify(i), timestamp })),
      ),
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024,
    cpuMs: () => {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / HZ;
    },
    close,
  };
}

/** An incident record that the benches' playbooks match on `incident.rule.id`. */
export function benchIncident(id: string, ruleId: string, extra: Record<string, unknown> = {}): { incident: Record<string, unknown> } {
  return {
    incident: {
      id,
      title: `Bench incident ${id}`,
      severity: 'high',
      status: 'open',
      version: 1,
      rule: { id: ruleId, name: 'Bench', level: 'high' },
      source: { ip: '203.0.113.45' },
      host: { name: 'bench-01' },
      entities: { hosts: ['bench-01'], users: [], ips: ['203.0.113.45'] },
      '@timestamp': new Date().toISOString(),
      ...extra,
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** p50/p90/p99/max of `values` in ms. */
export function spread(values: number[]): { n: number; p50: string; p90: string; p99: string; max: string } {
  const s = [...values].sort((a, b) => a - b);
  const ms = (n: number) => `${Math.round(n)} ms`;
  return { n: s.length, p50: ms(percentile(s, 50)), p90: ms(percentile(s, 90)), p99: ms(percentile(s, 99)), max: ms(s.at(-1) ?? NaN) };
}
