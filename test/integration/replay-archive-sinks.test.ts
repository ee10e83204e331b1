/**
 * `vigil replay --from-archive` into the splunk-hec, syslog and kafka sinks, each against its real
 * receiver: Vigil's OWN HEC input (on real Kafka, indexer acknowledgement on), a REAL rsyslog
 * (imtcp), and a topic of the REAL local Kafka. The archive is one the archive sink's own writer
 * made. The records of the range asked for arrive, each id once; a second replay of the same range
 * sends each again: none of these sinks deduplicates (Splunk HEC, syslog and a Kafka producer
 * across runs are at-least-once), so a replay is not idempotent and sinks/README.md says so.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { VigilConfig } from '../../cli/config/schema.js';
import { run as replay } from '../../cli/commands/replay.js';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { Bus } from '../../core/bus/index.js';
import { logger } from '../../core/telemetry/index.js';
import { withHecDefaults } from '../../ingest/inputs/splunk-hec/index.js';
import { ArchiveWriter, localStore, partitionOf } from '../../sinks/archive/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { RSYSLOGD, startRsyslog, type RsyslogReceiver } from '../support/rsyslog.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 3, 1, 0, 0, 0);
const RUN = randomUUID().slice(0, 8);
const TOKEN = `replay-${randomUUID()}`;

/** 72 hours of events, one each 30 minutes, each with an id of its own. */
const events = Array.from({ length: 144 }, (_, i) => ({
  '@timestamp': new Date(T0 + (i * HOUR) / 2).toISOString(),
  message: `login ${i}`,
  event: { dataset: 'linux.auth', category: ['authentication'] },
  host: { name: `web${i % 3}` },
  user: { name: `u${i}` },
  vigil: { id: `r-${RUN}-${i}` },
}));
/** The range replayed: the second day, 48 events. */
const FROM = new Date(T0 + 24 * HOUR).toISOString();
const TO = new Date(T0 + 48 * HOUR).toISOString();
const WANT = events.slice(48, 96).map((e) => e.vigil.id);

async function writeArchive(dir: string): Promise<void> {
  const w = new ArchiveWriter({
    sinkId: 'arch',
    prefix: 'vigil',
    store: localStore(dir),
    maxObjectBytes: 8 * 1024,
    rotateMs: 60_000,
    log: logger('test'),
  });
  const byDay = new Map<string, { part: ReturnType<typeof partitionOf>; lines: string[] }>();
  for (const e of events) {
    const part = partitionOf('events', e, 0);
    const key = `${part.dataset}|${part.day}`;
    if (!byDay.has(key)) byDay.set(key, { part, lines: [] });
    byDay.get(key)!.lines.push(JSON.stringify(e));
  }
  const pending = [...byDay.values()].map((g) => w.append(g.part, g.lines));
  await w.flush();
  await Promise.all(pending);
}

/** How many times each id was received, the ids in order. */
function tally(ids: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

function expectEach(ids: string[], times: number): void {
  const t = tally(ids);
  expect([...t.keys()].sort()).toEqual([...WANT].sort());
  expect([...t.values()].every((n) => n === times)).toBe(true);
  expect(ids).toHaveLength(WANT.length * times);
}

describe('vigil replay --from-archive into splunk-hec, syslog and kafka sinks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-sinks-'));
  const configFile = join(dir, 'vigil.yaml');
  const archive = join(dir, 'archive');
  let config: VigilConfig;
  let receiverConfig: VigilConfig;
  let receiver: RunningStages;
  let rsyslog: RsyslogReceiver | undefined;
  let bus: Bus;
  let target: string;

  beforeAll(async () => {
    await writeArchive(archive);
    receiverConfig = testConfig('replay-hec-recv');
    receiverConfig.inputs = [withHecDefaults({ id: 'hec', port: 0, tokens: [{ token: TOKEN, name: 'replay', ack: true }] })];
    receiver = await startStages(receiverConfig, ['ingest']);
    if (existsSync(RSYSLOGD)) rsyslog = await startRsyslog();

    config = testConfig('replay-sinks');
    bus = new Bus(config.kafka, 'replay-sinks-test');
    await bus.provision();
    target = `${config.kafka.topicPrefix}replayed`;
    await bus.ensureTopics([{ name: target, partitions: 3, replicationFactor: 1, configs: {} }]);
    const sinks = [
      {
        id: 'splunk',
        type: 'splunk-hec',
        url: `http://127.0.0.1:${receiver.ports.hec as number}`,
        token: TOKEN,
        ackPollMs: 50,
        topics: ['events'],
      },
      { id: 'qradar', type: 'syslog', protocol: 'tcp', host: '127.0.0.1', port: rsyslog?.port ?? 1, encoding: 'json', topics: ['events'] },
      { id: 'downstream', type: 'kafka', topic: target, key: 'vigil.id', topics: ['events'] },
    ];
    writeFileSync(configFile, stringify({ ...config, inputs: [], sinks }));
  }, 180_000);

  afterAll(async () => {
    await bus?.close();
    await receiver?.close();
    await rsyslog?.stop();
    if (config) await cleanupTest(config);
    if (receiverConfig) await cleanupTest(receiverConfig);
    rmSync(dir, { recursive: true, force: true });
  });

  async function replayInto(sink: string): Promise<string> {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), now: () => new Date() };
    const code = await replay(['--config', configFile, '--from-archive', archive, '--to-sink', sink, '--from', FROM, '--to', TO], io);
    expect(code, out.join('\n')).toBe(0);
    return out.join('\n');
  }

  it('splunk-hec: the range arrives in the HEC receiver once acknowledged, each id once; a second replay sends it again', async () => {
    const hecIds = async (n: number): Promise<string[]> =>
      (
        await receiver.bus.read(receiver.bus.topics.events, {
          until: (r) => r.length >= n,
          timeoutMs: 30_000,
        })
      ).map(
        (r) =>
          (JSON.parse(r.value.toString('utf8')) as { vigil: { splunk: { event: { vigil: { id: string } } } } }).vigil.splunk.event.vigil.id,
      );

    expect(await replayInto('splunk')).toMatch(/selected 48 {2}delivered 48 {2}dead-lettered 0/);
    // Acknowledged means in the receiver's Kafka: everything is there when the replay returns.
    expectEach(await hecIds(WANT.length), 1);
    await replayInto('splunk');
    expectEach(await hecIds(2 * WANT.length), 2);
  }, 120_000);

  it.skipIf(!existsSync(RSYSLOGD))(
    'syslog: the range arrives at rsyslog, each id once; a second replay sends it again',
    async () => {
      const rx = rsyslog!;
      const ids = () =>
        rx
          .lines()
          .map((l) => /"id":"(r-[^"]+)"/.exec(l)?.[1])
          .filter((id): id is string => id !== undefined);
      const settle = async (n: number) => {
        const deadline = Date.now() + 20_000;
        while (ids().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        // TCP syslog has no answer: give a late extra the time to be written before counting.
        await new Promise((r) => setTimeout(r, 1000));
        return ids();
      };
      expect(await replayInto('qradar')).toMatch(/selected 48 {2}delivered 48 {2}dead-lettered 0/);
      expectEach(await settle(WANT.length), 1);
      await replayInto('qradar');
      expectEach(await settle(2 * WANT.length), 2);
      expect(rx.lines()[0]).toContain('"dataset":"linux.auth"');
    },
    120_000,
  );

  it('kafka: the range arrives in the target topic keyed by vigil.id, each id once; a second replay sends it again', async () => {
    const topicIds = async (n: number) => {
      const recs = await bus.read(target, { until: (r) => r.length >= n, timeoutMs: 30_000 });
      for (const r of recs) expect(r.key).toBe((JSON.parse(r.value.toString('utf8')) as { vigil: { id: string } }).vigil.id);
      return recs.map((r) => (JSON.parse(r.value.toString('utf8')) as { vigil: { id: string } }).vigil.id);
    };
    expect(await replayInto('downstream')).toMatch(/selected 48 {2}delivered 48 {2}dead-lettered 0/);
    expectEach(await topicIds(WANT.length), 1);
    await replayInto('downstream');
    expectEach(await topicIds(2 * WANT.length), 2);
  }, 120_000);
});
