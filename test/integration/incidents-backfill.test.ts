/**
 * `vigil incidents backfill` on REAL Elasticsearch, run as the real CLI: incident documents of
 * the shape written before the builder recorded acknowledgement and resolution times get them
 * from the audit trail (the API's and playbooks' records in `<prefix>-actions`) and their own
 * last status change; a second run changes nothing; documents that have the times are untouched.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../cli/config/schema.js';
import { changeAuditDocument, backfillIncidentTimes, type IncidentDocument } from '../../detections/incidents/index.js';
import { auditDocument } from '../../playbooks/index.js';
import { ecsMappings, esClient, indexDocuments } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { writeCliConfig } from '../support/cli-config.js';
import { testConfig } from '../support/config.js';
import { builtIncidents, MINUTE, type IncidentScript } from '../support/incident-docs.js';

const exec = promisify(execFile);
const T0 = Date.parse('2026-02-10T08:00:00.000Z');
const at = (m: number) => new Date(T0 + m * MINUTE);

const SCRIPTS: IncidentScript[] = [
  // Acknowledged through the API at 7, closed at 20.
  {
    host: 'api',
    rule: 'r-1',
    level: 'high',
    at: 0,
    changes: [
      { at: 7, status: 'acknowledged' },
      { at: 20, status: 'closed' },
    ],
  },
  // Acknowledged by a playbook at 3, reopened at 9.
  {
    host: 'pb',
    rule: 'r-1',
    level: 'high',
    at: 0,
    changes: [
      { at: 3, status: 'acknowledged' },
      { at: 9, status: 'open' },
    ],
  },
  // Acknowledged with `vigil incident ack` at 12: no audit record, the document's own last change.
  { host: 'cli', rule: 'r-1', level: 'high', at: 0, changes: [{ at: 12, status: 'acknowledged' }] },
  // First alert at 2; acknowledged (API) at 5, reopened, acknowledged again at 15.
  {
    host: 'again',
    rule: 'r-1',
    level: 'high',
    at: 2,
    changes: [
      { at: 5, status: 'acknowledged' },
      { at: 8, status: 'open' },
      { at: 15, status: 'acknowledged' },
    ],
  },
  // Closed at 30, never acknowledged.
  { host: 'noack', rule: 'r-1', level: 'high', at: 0, changes: [{ at: 30, status: 'closed' }] },
  // Merged: closed, but nothing resolved.
  { host: 'merged', rule: 'r-1', level: 'high', at: 0, changes: [{ at: 4, mergeInto: 'cli' }] },
  // Written by a builder that records the times already: acknowledged at 1, closed at 50.
  {
    host: 'has',
    rule: 'r-1',
    level: 'high',
    at: 0,
    changes: [
      { at: 1, status: 'acknowledged' },
      { at: 50, status: 'closed' },
    ],
  },
  // Never triaged.
  { host: 'fresh', rule: 'r-1', level: 'high', at: 0 },
];

let config: VigilConfig;
let es: ReturnType<typeof esClient>;
let dir: string;
let configFile: string;
let ids: Map<string, string>;
let incidents: string;

/** Without the fields the builder did not write yet. */
function oldShaped(d: IncidentDocument): IncidentDocument {
  const { acknowledged_at: _a, minutes_to_acknowledge: _m, resolved_at: _r, minutes_to_resolve: _mr, ...incident } = d.incident;
  return { ...d, incident };
}

const apiRecord = (host: string, to: string, minute: number) =>
  changeAuditDocument({
    action: 'api.incident.status',
    caller: { name: 'ann', role: 'analyst' },
    incidentId: ids.get(host) as string,
    details: { from: 'open', to },
    at: at(minute),
  });

async function backfill(...extra: string[]) {
  const { stdout } = await exec(process.execPath, ['bin/vigil.js', 'incidents', 'backfill', '--config', configFile, ...extra], {
    timeout: 60_000,
  });
  return stdout;
}

/** Every incident document with its version, by host. */
async function documents(): Promise<Map<string, { seqNo: number; incident: Record<string, unknown> }>> {
  const res = await es.search<IncidentDocument>({ index: incidents, size: 100, seq_no_primary_term: true });
  const host = new Map([...ids].map(([h, id]) => [id, h]));
  return new Map(
    res.hits.hits.map((h) => [host.get(h._id as string) as string, { seqNo: h._seq_no as number, incident: h._source?.incident as never }]),
  );
}

beforeAll(async () => {
  config = testConfig('backfill');
  const prefix = config.elasticsearch.indexPrefix;
  incidents = `${prefix}-incidents`;
  es = esClient(config.elasticsearch);
  const mappings = ecsMappings({ matchOnlyText: false, wildcard: false }) as never;
  await es.indices.create({ index: incidents, mappings });
  await es.indices.create({ index: `${prefix}-actions`, mappings });
  const docs = builtIncidents(T0, SCRIPTS);
  ids = new Map([...docs].map(([h, d]) => [h, d.incident.id]));
  await indexDocuments(
    es,
    incidents,
    [...docs].map(([h, d]) => ({ id: d.incident.id, doc: h === 'has' ? d : oldShaped(d) })),
  );
  const playbookAck = auditDocument(
    {
      action: 'playbook.step.succeeded',
      runId: 'run-1',
      playbookId: 'triage',
      incidentId: ids.get('pb') as string,
      step: 'ack',
      stepAction: 'incident.update',
      args: { incident: ids.get('pb'), status: 'acknowledged', reason: 'auto' },
      result: { incident: ids.get('pb') },
    },
    at(3),
  );
  // A playbook that acknowledged nothing (an assignment) must not count.
  const playbookAssign = auditDocument(
    {
      action: 'playbook.step.succeeded',
      runId: 'run-2',
      playbookId: 'triage',
      incidentId: ids.get('noack') as string,
      step: 'assign',
      stepAction: 'incident.update',
      args: { incident: ids.get('noack'), assignee: 'bob' },
    },
    at(1),
  );
  const trail = [
    apiRecord('api', 'acknowledged', 7),
    apiRecord('api', 'closed', 20),
    apiRecord('again', 'acknowledged', 5),
    apiRecord('again', 'acknowledged', 15),
    apiRecord('noack', 'closed', 30),
    // Earlier than the document's own time: a document that has one keeps it.
    apiRecord('has', 'acknowledged', 0),
    playbookAck,
    playbookAssign,
  ];
  await indexDocuments(
    es,
    `${prefix}-actions`,
    trail.map((d) => ({ id: d.vigil.id, doc: d })),
  );
  await es.indices.refresh({ index: `${prefix}-*` });
  dir = mkdtempSync(join(tmpdir(), 'vigil-backfill-'));
  configFile = join(dir, 'vigil.yaml');
  // Kafka of the test's own prefix, where no incident change was ever sent: the status topic does not exist.
  writeCliConfig(configFile, config, { elasticsearch: true });
}, 60_000);

afterAll(async () => {
  await es?.close();
  if (config) await cleanupTest(config);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('vigil incidents backfill', () => {
  it('--dry-run counts what it would fill and writes nothing', async () => {
    const before = await documents();
    const out = JSON.parse(await backfill('--dry-run', '--output', 'json'));
    expect(out).toEqual({
      index: incidents,
      dryRun: true,
      scanned: 6,
      acknowledged: 4,
      resolved: 2,
      noAcknowledgement: 2,
      conflicts: 0,
      statusTopic: { topic: `${config.kafka.topicPrefix}vigil.incident-status`, exists: false, records: 0, acknowledged: 0, unreadable: 0 },
    });
    // Pages of two documents: the same count, page after page.
    const paged = await backfillIncidentTimes({
      es,
      incidents,
      actions: `${config.elasticsearch.indexPrefix}-actions`,
      pageSize: 2,
      dryRun: true,
    });
    expect(paged).toEqual({ scanned: 6, acknowledged: 4, resolved: 2, noAcknowledgement: 2, conflicts: 0 });
    const after = await documents();
    for (const [host, d] of before) expect(after.get(host)?.seqNo, host).toBe(d.seqNo);
  });

  it('fills the first acknowledgement from the audit trail and the document, and the resolution from the close', async () => {
    const before = await documents();
    const out = await backfill();
    expect(out.split('\n')).toEqual([
      `${config.kafka.topicPrefix}vigil.incident-status: does not exist (no incident change was ever sent)`,
      `${incidents}: 6 incident documents missing a time read`,
      '  4 given acknowledged_at and minutes_to_acknowledge',
      '  2 given resolved_at and minutes_to_resolve',
      '  2 triaged with no acknowledgement on record (left without one)',
      '',
    ]);
    const docs = await documents();
    const times = (host: string) => {
      const i = docs.get(host)?.incident ?? {};
      return [i.acknowledged_at, i.minutes_to_acknowledge, i.resolved_at, i.minutes_to_resolve];
    };
    const iso = (m: number) => at(m).toISOString();
    expect(times('api')).toEqual([iso(7), 7, iso(20), 20]);
    expect(times('pb')).toEqual([iso(3), 3, undefined, undefined]);
    expect(times('cli')).toEqual([iso(12), 12, undefined, undefined]);
    // The first of its two acknowledgements, in minutes from its first alert at 2.
    expect(times('again')).toEqual([iso(5), 3, undefined, undefined]);
    expect(times('noack')).toEqual([undefined, undefined, iso(30), 30]);
    expect(times('merged')).toEqual([undefined, undefined, undefined, undefined]);
    expect(times('fresh')).toEqual([undefined, undefined, undefined, undefined]);
    // What the builder wrote stays as it was, though the trail holds an earlier acknowledgement.
    expect(times('has')).toEqual([iso(1), 1, iso(50), 50]);
    expect(docs.get('has')?.seqNo).toBe(before.get('has')?.seqNo);
    expect(docs.get('fresh')?.seqNo).toBe(before.get('fresh')?.seqNo);
    // The rest of the document is kept: a partial update.
    expect(docs.get('api')?.incident).toMatchObject({ id: ids.get('api'), status: 'closed', title: expect.any(String) });
  });

  it('changes nothing when run again', async () => {
    const before = await documents();
    const out = JSON.parse(await backfill('--output', 'json'));
    expect(out).toMatchObject({ scanned: 2, acknowledged: 0, resolved: 0, noAcknowledgement: 2, conflicts: 0 });
    const after = await documents();
    for (const [host, d] of before) expect(after.get(host)?.seqNo, host).toBe(d.seqNo);
  });

  it('does not overwrite a version written after it read the document: a conflict, taken by the next run', async () => {
    const late = oldShaped(
      builtIncidents(T0, [{ host: 'late', rule: 'r-1', level: 'high', at: 0, changes: [{ at: 30, status: 'closed' }] }]).get(
        'late',
      ) as IncidentDocument,
    );
    const id = late.incident.id;
    await es.index({ index: incidents, id, document: late, refresh: true });
    const actions = `${config.elasticsearch.indexPrefix}-actions`;
    // The sink writes a newer version (another alert) between the backfill's read and its write.
    const newer = { ...late, incident: { ...late.incident, alert_count: 99 } };
    let written = false;
    const racing = {
      search: async (req: { index: string }) => {
        const res = await es.search(req as never);
        if (req.index === actions && !written) {
          written = true;
          await es.index({ index: incidents, id, document: newer, refresh: true });
        }
        return res;
      },
      bulk: (req: never) => es.bulk(req),
    } as unknown as Parameters<typeof backfillIncidentTimes>[0]['es'];
    const first = await backfillIncidentTimes({ es: racing, incidents, actions });
    expect(first).toMatchObject({ resolved: 0, conflicts: 1 });
    const kept = await es.get<IncidentDocument>({ index: incidents, id });
    expect(kept._source?.incident).toMatchObject({ alert_count: 99 });
    expect(kept._source?.incident.resolved_at).toBeUndefined();
    const second = await backfillIncidentTimes({ es, incidents, actions });
    expect(second).toMatchObject({ resolved: 1, conflicts: 0 });
    const filled = await es.get<IncidentDocument>({ index: incidents, id });
    expect(filled._source?.incident).toMatchObject({ alert_count: 99, resolved_at: at(30).toISOString(), minutes_to_resolve: 30 });
  });

  it('refuses an unknown action with the usage', async () => {
    await expect(exec(process.execPath, ['bin/vigil.js', 'incidents', 'rebuild', '--config', configFile])).rejects.toMatchObject({
      stderr: expect.stringContaining('unknown action "rebuild"'),
    });
  });
});
