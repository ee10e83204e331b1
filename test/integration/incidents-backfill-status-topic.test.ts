/**
 * `vigil incidents backfill` reading `vigil.incident-status`, on REAL Kafka and Elasticsearch:
 * an incident acknowledged with `vigil incident ack` and closed since has no audit record; the
 * status change the command wrote is still on the topic, and the incident's document, stripped
 * of the times to look like one written before the builder recorded them, gets the
 * acknowledgement's time from it. The earliest acknowledgement of all sources counts; one later
 * than the document's last status change does not; an unreadable record is skipped and named.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as incidentCommand } from '../../cli/commands/incident.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { Bus } from '../../core/bus/index.js';
import {
  changeAuditDocument,
  decodeIncidentChange,
  IncidentBuilder,
  incidentChange,
  incidentStatusTopic,
  type IncidentDocument,
} from '../../detections/incidents/index.js';
import { ecsMappings, esClient, indexDocuments } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { writeCliConfig } from '../support/cli-config.js';
import { testConfig } from '../support/config.js';
import { MINUTE, scriptAlert } from '../support/incident-docs.js';

const exec = promisify(execFile);
// Half an hour ago: the topic's records are younger than its `min.compaction.lag.ms` (an hour),
// so Kafka's cleaner keeps them all whatever it does meanwhile (a record time far from the
// others' rolls the segment, and a rolled segment of older records is compacted within seconds).
const T0 = Math.floor(Date.now() / 1000) * 1000 - 30 * 60_000;
const at = (m: number) => new Date(T0 + m * MINUTE);
const iso = (m: number) => at(m).toISOString();
const HOSTS = ['cli', 'both', 'stale'] as const;
type Host = (typeof HOSTS)[number];

let config: VigilConfig;
let es: ReturnType<typeof esClient>;
let bus: Bus;
let dir: string;
let configFile: string;
let incidents: string;
let topic: string;
const ids = new Map<Host, string>();

/** `vigil incident <verb> <id>`, in process, as alice at minute `m`. */
async function incident(verb: string, host: Host, m: number, ...extra: string[]): Promise<void> {
  const io = { out: () => undefined, user: () => 'alice', now: () => at(m) };
  expect(await incidentCommand([verb, ids.get(host) as string, '--config', configFile, ...extra], io)).toBe(0);
}

/** Without the fields the builder did not write yet. */
function oldShaped(d: IncidentDocument): IncidentDocument {
  const { acknowledged_at: _a, minutes_to_acknowledge: _m, resolved_at: _r, minutes_to_resolve: _mr, ...rest } = d.incident;
  return { ...d, incident: rest };
}

async function backfill(...extra: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, ['bin/vigil.js', 'incidents', 'backfill', '--config', configFile, ...extra], { timeout: 90_000 });
}

async function documents(): Promise<Map<Host, { seqNo: number; incident: IncidentDocument['incident'] }>> {
  const res = await es.search<IncidentDocument>({ index: incidents, size: 100, seq_no_primary_term: true });
  const host = new Map([...ids].map(([h, id]) => [id, h]));
  return new Map(
    res.hits.hits.map((h) => [host.get(h._id as string) as Host, { seqNo: h._seq_no as number, incident: h._source?.incident as never }]),
  );
}

const times = (d: { incident: IncidentDocument['incident'] } | undefined) => {
  const i = d?.incident;
  return [i?.acknowledged_at, i?.minutes_to_acknowledge, i?.resolved_at, i?.minutes_to_resolve];
};

beforeAll(async () => {
  config = testConfig('bfstatus');
  const prefix = config.elasticsearch.indexPrefix;
  incidents = `${prefix}-incidents`;
  topic = incidentStatusTopic(config.kafka.topicPrefix);
  es = esClient(config.elasticsearch);
  bus = new Bus(config.kafka, 'backfill-status-test');
  dir = mkdtempSync(join(tmpdir(), 'vigil-backfill-status-'));
  configFile = join(dir, 'vigil.yaml');
  writeCliConfig(configFile, config, { elasticsearch: true });

  const builder = new IncidentBuilder();
  for (const host of HOSTS) ids.set(host, builder.add(scriptAlert(T0, { host, rule: 'r-1', level: 'high', at: 0 })).incidentId);
  // `both`: acknowledged through the API at 3, a record the trail keeps and the topic (compacted) no longer does.
  builder.applyChange(
    incidentChange({
      incidentId: ids.get('both') as string,
      at: at(3),
      by: 'api:ann',
      source: 'api',
      kind: 'status',
      status: 'acknowledged',
    }),
  );

  await incident('ack', 'cli', 7);
  await incident('close', 'cli', 20, '--reason', 'false positive');
  // A repeat the builder ignores (the incident is acknowledged already), then the close.
  await incident('ack', 'both', 6);
  await incident('close', 'both', 20);
  // Closed at 10; the acknowledgement at 12 is applied by the builder, but the version in
  // Elasticsearch is the one before it (the sink has not indexed the newer one yet).
  await incident('close', 'stale', 10);
  await incident('ack', 'stale', 12);
  // Not an incident change: skipped and named, not fatal.
  await (await bus.producer()).send(topic, [{ key: ids.get('cli') as string, value: 'not json' }]);

  // The builder applies what the command wrote, in the topic's order per incident.
  const records = await bus.read(topic, { until: (r) => r.length >= 7, timeoutMs: 30_000 });
  expect(records).toHaveLength(7);
  const indexed = new Map<Host, IncidentDocument>();
  const host = new Map([...ids].map(([h, id]) => [id, h]));
  for (const r of records) {
    if (r.value.toString() === 'not json') continue;
    const change = decodeIncidentChange(r);
    for (const doc of builder.applyChange(change)) {
      const h = host.get(doc.incident.id) as Host;
      if (!(h === 'stale' && doc.incident.status === 'acknowledged')) indexed.set(h, doc);
    }
  }
  // What the builder would write today: the times are there before they are stripped.
  expect(indexed.get('cli')?.incident).toMatchObject({ status: 'closed', acknowledged_at: iso(7), resolved_at: iso(20) });
  expect(indexed.get('both')?.incident).toMatchObject({ status: 'closed', acknowledged_at: iso(3) });
  expect(indexed.get('stale')?.incident).toMatchObject({ status: 'closed', resolved_at: iso(10) });

  const mappings = ecsMappings({ matchOnlyText: false, wildcard: false }) as never;
  await es.indices.create({ index: incidents, mappings });
  await es.indices.create({ index: `${prefix}-actions`, mappings });
  await indexDocuments(
    es,
    incidents,
    [...indexed.values()].map((d) => ({ id: d.incident.id, doc: oldShaped(d) })),
  );
  const apiAck = changeAuditDocument({
    action: 'api.incident.status',
    caller: { name: 'ann', role: 'analyst' },
    incidentId: ids.get('both') as string,
    details: { from: 'open', to: 'acknowledged' },
    at: at(3),
  });
  await indexDocuments(es, `${prefix}-actions`, [{ id: apiAck.vigil.id, doc: apiAck }]);
  await es.indices.refresh({ index: `${prefix}-*` });
}, 120_000);

afterAll(async () => {
  await bus?.close();
  await es?.close();
  if (config) await cleanupTest(config);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('vigil incidents backfill with vigil.incident-status', () => {
  it('without the topic, an acknowledgement made with `vigil incident ack` is not found', async () => {
    const { stdout } = await backfill('--dry-run', '--no-status-topic', '--output', 'json');
    expect(JSON.parse(stdout)).toEqual({
      index: incidents,
      dryRun: true,
      scanned: 3,
      acknowledged: 1,
      resolved: 3,
      noAcknowledgement: 2,
      conflicts: 0,
      statusTopic: null,
    });
  });

  it('fills the acknowledgement `vigil incident ack` sent, the earliest of all sources, none after the last change', async () => {
    const before = await documents();
    expect(times(before.get('cli'))).toEqual([undefined, undefined, undefined, undefined]);
    const { stdout, stderr } = await backfill('--output', 'json');
    expect(JSON.parse(stdout)).toEqual({
      index: incidents,
      dryRun: false,
      scanned: 3,
      acknowledged: 2,
      resolved: 3,
      noAcknowledgement: 1,
      conflicts: 0,
      statusTopic: { topic, exists: true, records: 7, acknowledged: 3, unreadable: 1 },
    });
    expect(stderr).toMatch(new RegExp(`${topic.replace(/\./g, '\\.')}\\[\\d+\\]@\\d+: unreadable incident change, skipped: .*not JSON`));
    const docs = await documents();
    expect(times(docs.get('cli'))).toEqual([iso(7), 7, iso(20), 20]);
    // The audit trail's 3 is earlier than the topic's 6.
    expect(times(docs.get('both'))).toEqual([iso(3), 3, iso(20), 20]);
    // The topic's 12 is after this version's last change (the close at 10): not this version's.
    expect(times(docs.get('stale'))).toEqual([undefined, undefined, iso(10), 10]);
    expect(docs.get('cli')?.incident).toMatchObject({ id: ids.get('cli'), status: 'closed', status_change: { reason: 'false positive' } });
  });

  it('changes nothing when run again', async () => {
    const before = await documents();
    const { stdout } = await backfill();
    expect(stdout.split('\n')).toEqual([
      `${topic}: 7 records read, 3 incidents acknowledged on it, 1 unreadable skipped`,
      `${incidents}: 1 incident documents missing a time read`,
      '  0 given acknowledged_at and minutes_to_acknowledge',
      '  0 given resolved_at and minutes_to_resolve',
      '  1 triaged with no acknowledgement on record (left without one)',
      '',
    ]);
    const after = await documents();
    for (const [host, d] of before) expect(after.get(host)?.seqNo, host).toBe(d.seqNo);
  });
});
