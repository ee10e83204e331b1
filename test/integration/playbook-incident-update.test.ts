/**
 * `incident.update` in a playbook run, end to end: the incident stage (REAL Kafka) makes an
 * incident from an alert; a responder on REAL Redis runs a playbook on it whose step sets status,
 * assignee, note, severity and an enrichment; the builder applies the change records and its new
 * document on `vigil.incidents` carries them. A step retried with the same idempotency key adds
 * its note once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type InRecord, type Publisher } from '../../core/bus/index.js';
import type { RunningStage } from '../../core/stage.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import {
  decodeIncidentChange,
  ensureIncidentStatusTopic,
  forIncidents,
  incidentInputTopic,
  type IncidentDocument,
} from '../../detections/incidents/index.js';
import { startIncidentStage } from '../../detections/incidents/stage.js';
import { buildAlert } from '../../detections/model/index.js';
import { ACTIONS } from '../../playbooks/actions/registry.js';
import { runIdOf, startResponder, type AuditDocument, type Responder } from '../../playbooks/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { SERVICES, testConfig } from '../support/config.js';
import { dropPrefix, find, playbookDir, runEnded, sleep } from '../support/playbooks.js';

const PLAYBOOK = [
  'id: auto-triage',
  'trigger: { selection: { incident.severity: [high, critical] }, condition: selection }',
  'steps:',
  '  - ref: triage',
  '    action: incident.update',
  '    args:',
  "      incident: '${{ $.incident.id }}'",
  '      status: acknowledged',
  '      assignee: tier1',
  "      note: 'auto-triaged: ${{ $.incident.rule.name }}'",
  '      severity: critical',
  '      reason: known bad range',
  '      by: playbook:auto-triage',
  "      enrichment: { source: geo, value: { host: '${{ $.incident.host.name }}', country: NL } }",
].join('\n');

let config: VigilConfig;
let bus: Bus;
let stages: RunningStage[] = [];
let responder: Responder;
let statusTopic: string;
let producer: Publisher;
let dir = '';
const prefix = `t-pbinc-${randomBytes(4).toString('hex')}`;
const audit: AuditDocument[] = [];

const parse = <T>(rs: InRecord[]) => rs.map((r) => JSON.parse(r.value.toString('utf8')) as T);
async function readUntil<T>(topic: string, pick: (records: InRecord[]) => T | undefined): Promise<T> {
  let found: T | undefined;
  await bus.read(topic, { until: (rs) => (found = pick(rs)) !== undefined, timeoutMs: 30_000 });
  if (found === undefined) throw new Error(`nothing on ${topic} matched`);
  return found;
}
const versions = async (id: string) =>
  parse<IncidentDocument>(await bus.read(bus.topics.incidents, { idleMs: 1500, timeoutMs: 20_000 })).filter((d) => d.incident.id === id);

beforeAll(async () => {
  config = testConfig('pbinc');
  bus = new Bus(config.kafka, 'playbook-incident-update-test');
  await bus.provision();
  statusTopic = await ensureIncidentStatusTopic(config.kafka);
  producer = await bus.producer();
  stages = await startIncidentStage({ config, bus });
  dir = await playbookDir({ 'triage.yml': PLAYBOOK });
  responder = await startResponder({
    config: { redis: { url: SERVICES.redis, prefix }, playbooks: { paths: [dir], concurrency: 4, secrets: {} } },
    publisher: { send: async (_t, records) => void audit.push(...records.map((r) => JSON.parse(String(r.value)) as AuditDocument)) },
    actionsTopic: 'vigil.actions',
    sweepMs: 100,
    services: { publisher: producer, incidents: { topic: statusTopic } },
  });
  expect(responder.problems).toEqual([]);
}, 60_000);

afterAll(async () => {
  await responder?.close();
  for (const s of stages) await s.close();
  await dropPrefix(prefix);
  await bus?.deleteTopics([statusTopic]).catch(() => undefined);
  await bus?.close();
  if (config) await cleanupTest(config);
}, 60_000);

describe('incident.update in a playbook run', () => {
  it('changes the incident through the builder: status, assignee, note, severity and enrichment on vigil.incidents', async () => {
    const event = {
      '@timestamp': new Date().toISOString(),
      message: 'sudo',
      host: { name: 'db-7' },
      vigil: { id: `ev-${randomBytes(4).toString('hex')}`, input: 'test', received_at: new Date().toISOString(), parse_status: 'ok' },
    };
    const alert = buildAlert(
      { id: 'r-sudo', title: 'Sudo to root', level: 'high', tags: [], references: [], techniques: [], tactics: [] },
      event as never,
      ['selection'],
      new Date(),
    );
    await producer.send(incidentInputTopic(config.kafka.topicPrefix), forIncidents([{ key: null, value: JSON.stringify(alert) }]));
    const created = await readUntil(bus.topics.incidents, (rs) => parse<IncidentDocument>(rs).find((d) => d.incident.host !== undefined));
    const id = created.incident.id;

    await responder.dispatch(created);
    const runId = runIdOf('auto-triage', id);
    const ended = await runEnded({ audit }, runId);
    expect(ended.vigil.playbook.status).toBe('succeeded');
    const step = find(audit, 'playbook.step.succeeded', { run: runId, step: 'triage' })[0];
    expect(step).toBeDefined();

    const doc = await readUntil(bus.topics.incidents, (rs) =>
      parse<IncidentDocument>(rs).find(
        (d) =>
          d.incident.id === id &&
          d.incident.status === 'acknowledged' &&
          d.incident.assignee === 'tier1' &&
          d.incident.severity === 'critical' &&
          (d.incident.notes?.length ?? 0) > 0 &&
          d.incident.enrichments?.geo !== undefined,
      ),
    );
    expect(doc.incident).toMatchObject({
      status_change: { by: 'playbook:auto-triage', reason: 'known bad range', source: 'playbook' },
      severity_override: { level: 'critical', computed: 'high', by: 'playbook:auto-triage' },
      notes: [{ by: 'playbook:auto-triage', text: 'auto-triaged: Sudo to root' }],
      enrichments: { geo: { by: 'playbook:auto-triage', value: { host: 'db-7', country: 'NL' } } },
    });
  }, 90_000);

  it('a retried step (same idempotency key) writes the same change id, and the builder adds its note once', async () => {
    const id = (await readUntil(bus.topics.incidents, (rs) => parse<IncidentDocument>(rs).find((d) => d.incident.assignee === 'tier1')))
      .incident.id;
    const ctx = {
      signal: new AbortController().signal,
      idempotencyKey: 'run-x:step-note:1',
      services: { publisher: producer, incidents: { topic: statusTopic } },
    };
    const action = ACTIONS['incident.update'];
    const first = (await action.run({ incident: id, note: 'retried note' }, ctx)) as { changes: Array<{ id: string }> };
    await sleep(50);
    const again = (await action.run({ incident: id, note: 'retried note' }, ctx)) as { changes: Array<{ id: string }> };
    expect(again.changes).toEqual(first.changes);
    const sent = await readUntil(statusTopic, (rs) => {
      const mine = rs.map(decodeIncidentChange).filter((c) => c.id === first.changes[0]?.id);
      return mine.length === 2 ? mine : undefined;
    });
    expect(sent).toHaveLength(2);
    await readUntil(bus.topics.incidents, (rs) =>
      parse<IncidentDocument>(rs).find((d) => d.incident.id === id && d.incident.notes?.some((n) => n.text === 'retried note')),
    );
    await sleep(2000);
    const all = await versions(id);
    const most = Math.max(...all.map((d) => (d.incident.notes ?? []).filter((n) => n.text === 'retried note').length));
    expect(most).toBe(1);
    expect(all.at(-1)?.incident.notes?.map((n) => n.text)).toEqual(['auto-triaged: Sudo to root', 'retried note']);
  }, 90_000);

  it('refuses args it cannot turn into a change, naming them (ACTION_REJECTED)', async () => {
    const ctx = { signal: new AbortController().signal, services: { publisher: producer, incidents: { topic: statusTopic } } };
    const action = ACTIONS['incident.update'];
    for (const [args, why] of [
      [{ incident: 'inc-1' }, 'at least one of'],
      [{ incident: 'inc-1', status: 'resolved' }, 'status must be one of'],
      [{ incident: 'inc-1', severity: 'urgent' }, 'severity must be one of'],
      [{ incident: 'inc-1', enrichment: { source: 'bad source!', value: 1 } }, 'enrichment source'],
    ] as const) {
      await expect(action.run(args, ctx)).rejects.toMatchObject({ code: 'ACTION_REJECTED', message: expect.stringContaining(why) });
    }
    await expect(
      action.run({ incident: 'inc-1', note: 'x' }, { signal: ctx.signal, services: { publisher: producer } }),
    ).rejects.toMatchObject({
      code: 'ACTION_REJECTED',
    });
  });
});
