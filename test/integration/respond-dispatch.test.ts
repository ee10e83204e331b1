import { afterEach, describe, expect, it } from 'vitest';
import type { VigilConfig } from '../../cli/config/schema.js';
import { Bus } from '../../core/bus/index.js';
import type { RunningStage } from '../../core/stage.js';
import { runIdOf, type AuditDocument } from '../../playbooks/index.js';
import { startRespondStage } from '../../playbooks/stage.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { startOwnServices } from '../support/own-services.js';
import { playbookDir } from '../support/playbooks.js';
import { monitorRedis } from '../support/redis-monitor.js';
import { waitFor } from '../support/wait.js';

/**
 * The respond stage on real Kafka and Redis dispatches the incidents of a batch at once, the
 * versions of one incident one after another. The stage's Redis is a private one, watched with
 * MONITOR: for each incident, each version's record is stored (the first command of its
 * dispatch) only after the run of the version before was marked announced (at the end of that
 * dispatch, with its first steps queued), so two dispatches of one incident never overlap.
 * Each incident escalates low → medium → high → critical in four adjacent records and the
 * playbook starts a new run on each escalation (`rerun: on_escalation`): four runs per incident.
 * A second consumer group then reads the whole topic again, as a stage restarted after a crash
 * mid-batch re-reads what it had not committed: no run starts twice and no step runs twice.
 */

const INCIDENTS = 24;
const LEVELS = ['low', 'medium', 'high', 'critical'];
const PLAYBOOK = [
  'id: escalate',
  'trigger: { selection: { incident.rule.id: respond-dispatch }, condition: selection }',
  'rerun: on_escalation',
  'steps:',
  '  - ref: note',
  '    action: transform',
  "    args: { input: '${{ $.incident }}', fields: { id: $.id, severity: $.severity } }",
  '',
].join('\n');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function record(id: string, version: number) {
  const incident = { id, version, severity: LEVELS[version - 1], status: 'open', rule: { id: 'respond-dispatch' } };
  return { key: id, value: JSON.stringify({ incident }) };
}

async function stage(config: VigilConfig, name: string): Promise<{ bus: Bus; stage: RunningStage }> {
  const bus = new Bus(config.kafka, name);
  const running = await startRespondStage({ config, bus });
  cleanups.push(async () => {
    await running.close();
    await bus.close();
  });
  return { bus, stage: running };
}

/**
 * The dispatch milestones of each incident, in the order Redis ran them: `stored v<version>`
 * (its record saved) and `announced <run id>` (its run's start marked as audited).
 */
async function watch(url: string, prefix: string, ids: string[]): Promise<{ of(id: string): string[]; close(): Promise<void> }> {
  const byIncident = new Map<string, string[]>();
  // Run ids are hashes: name the ones each incident may have.
  const byRun = new Map(ids.flatMap((id) => [0, 1, 2, 3].map((g) => [runIdOf('escalate', id, g), id] as const)));
  const note = (id: string, what: string) => byIncident.set(id, [...(byIncident.get(id) ?? []), what]);
  const incidentKey = `${prefix}:playbook-incident:`;
  const runKey = `${prefix}:playbook-run:`;
  const monitor = await monitorRedis(url, (args) => {
    const [command, , , key, , version] = args;
    if (command?.toLowerCase() === 'eval' && key?.startsWith(incidentKey)) note(key.slice(incidentKey.length), `stored v${version}`);
    const [, hashKey, field] = args;
    if (command?.toLowerCase() === 'hset' && field === 'announced' && hashKey?.startsWith(runKey)) {
      const runId = hashKey.slice(runKey.length);
      const id = byRun.get(runId);
      if (id !== undefined) note(id, `announced ${runId}`);
    }
  });
  return {
    of: (id) => byIncident.get(id) ?? [],
    close: async () => monitor.close(),
  };
}

describe('the respond stage', () => {
  it('dispatches incidents at once, each incident in order, and a re-read batch starts nothing twice', async () => {
    const own = await startOwnServices(['redis']);
    cleanups.push(() => own.close());
    const base = testConfig('t-rdisp');
    const config: VigilConfig = {
      ...base,
      redis: { ...base.redis, url: own.redis!.address },
      playbooks: { ...base.playbooks, paths: [await playbookDir({ 'p.yml': PLAYBOOK })], dispatchConcurrency: 8 },
    };
    cleanups.push(() => cleanupTest(config).catch(() => undefined));
    const writer = new Bus(config.kafka, 't-rdisp-writer');
    cleanups.push(() => writer.close());
    await writer.provision();

    const audit: AuditDocument[] = [];
    await writer.consume('audit', {
      topics: [writer.topics.actions],
      component: 'test',
      handler: async (records) => {
        for (const r of records) audit.push(JSON.parse(r.value.toString('utf8')) as AuditDocument);
      },
    });
    const ids = Array.from({ length: INCIDENTS }, (_, i) => `inc-rd-${i}`);
    const seen = await watch(own.redis!.address, config.redis.prefix, ids);
    cleanups.push(() => seen.close());
    // Each incident's versions next to each other, in one send: a batch holds several versions of many ids.
    const producer = await writer.producer();
    await producer.send(
      writer.topics.incidents,
      ids.flatMap((id) => [1, 2, 3, 4].map((v) => record(id, v))),
    );

    const first = await stage(config, 't-rdisp-1');
    const of = (action: string) => audit.filter((a) => a.event.action === action);
    await waitFor('every run started and its step done', async () => of('playbook.step.succeeded').length >= ids.length * 4, 60_000, 100);
    await first.stage.close();

    const expected = ids.flatMap((id) => [0, 1, 2, 3].map((g) => runIdOf('escalate', id, g))).sort();
    expect(
      of('playbook.run.started')
        .map((a) => a.vigil.playbook.run_id)
        .sort(),
    ).toEqual(expected);
    for (const id of ids) {
      const order = [0, 1, 2, 3].flatMap((g) => [`stored v${g + 1}`, `announced ${runIdOf('escalate', id, g)}`]);
      expect(seen.of(id), `Redis commands of ${id}`).toEqual(order);
    }

    // The same records again through a group that committed nothing.
    const again: VigilConfig = { ...config, kafka: { ...config.kafka, groupPrefix: `${config.kafka.groupPrefix}-again` } };
    const second = await stage(again, 't-rdisp-2');
    const total = await writer.countRecords(writer.topics.incidents);
    await waitFor(
      'the second group to commit the whole topic',
      async () => {
        const committed = await second.bus.committedOffsets('respond', writer.topics.incidents);
        return committed.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) >= total;
      },
      60_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 1000)); // anything it wrongly queued has had time to start
    expect(
      of('playbook.run.started')
        .map((a) => a.vigil.playbook.run_id)
        .sort(),
    ).toEqual(expected);
    expect(
      of('playbook.step.started')
        .map((a) => a.vigil.playbook.run_id)
        .sort(),
    ).toEqual(expected);
    expect(of('playbook.step.succeeded')).toHaveLength(expected.length);
  }, 120_000);
});
