import type { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { ChaosPipeline } from '../support/chaos-pipeline.js';
import { ChaosReport } from '../support/chaos-report.js';
import { CHAOS_FULL } from '../support/chaos-scenario.js';
import { sudoLines } from '../support/chaos-traffic.js';
import { startOwnServices, type OwnService, type OwnServices } from '../support/own-services.js';
import { RelpSender } from '../support/relp-sender.js';
import { waitFor } from '../support/wait.js';
import { startWebhook } from '../support/webhook.js';

/**
 * Faults during playbook runs (`npm run chaos` only), on a Redis of the test's own (BullMQ's
 * store; the shared Redis serves every other test). Each line opens a high-severity incident
 * of its own, and the shipped playbook posts it to the SOC webhook (held 1 s per call), then
 * opens a ticket. While runs are in flight, the respond stage is SIGKILLed and restarted, or
 * Redis is restarted (its append-only file keeps the queue). No run may stay stuck: every run
 * ends, with its status in the audit trail, within the bound. An HTTP call cut by the fault is
 * not made again (a POST is not idempotent: the webhook may have acted on it), so that run ends
 * `failed` with the step's outcome unknown; every other run succeeds, and no ticket is opened
 * twice. Bound: 120 s from the end of the fault (BullMQ hands a job whose worker died back after
 * its lock lapses and the next stalled-job check, 30 s each).
 */
const INCIDENTS = 60;
const BOUND_MS = 120_000;

interface RunAudit {
  vigil: { playbook: { run_id: string; status?: string }; incident: { id: string } };
}

/** The run-end records of the audit trail in Elasticsearch: incident id → statuses (one each, unless doubled). */
async function runEnds(es: Client, index: string): Promise<Map<string, string[]>> {
  await es.indices.refresh({ index, ignore_unavailable: true });
  const res = await es.search<RunAudit>({
    index,
    ignore_unavailable: true,
    size: 10_000,
    query: { term: { 'event.action': 'playbook.run.ended' } },
  });
  const ends = new Map<string, string[]>();
  for (const h of res.hits.hits) {
    const v = h._source!.vigil;
    ends.set(v.incident.id, [...(ends.get(v.incident.id) ?? []), v.playbook.status ?? 'unknown']);
  }
  return ends;
}

const report = new ChaosReport();
afterAll(() => report.print('Faults: during playbook runs'));

describe.runIf(CHAOS_FULL)('faults during playbook runs', () => {
  let own: OwnServices | undefined;
  afterAll(async () => own?.close());

  const faults: Array<{ name: string; hit: (p: ChaosPipeline, redis: OwnService) => Promise<void> }> = [
    {
      name: 'SIGKILL respond',
      hit: async (p) => {
        await p.kill('respond');
        await new Promise((r) => setTimeout(r, 2000));
        await p.start('respond');
      },
    },
    {
      name: 'Redis restarted',
      hit: async (_p, redis) => {
        await redis.stop();
        await new Promise((r) => setTimeout(r, 2000));
        await redis.start();
      },
    },
  ];

  for (const f of faults) {
    it(`${f.name}: every playbook run ends within ${BOUND_MS / 1000} s`, async () => {
      own ??= await startOwnServices(['redis']);
      const redis = own.redis!;
      const hook = await startWebhook(1000);
      const pipeline = await ChaosPipeline.create({
        name: `pb-${f.name.split(' ')[0]!.toLowerCase()}`,
        redisUrl: redis.address,
        socWebhookUrl: hook.url,
      });
      const es = esClient(pipeline.config.elasticsearch);
      try {
        await pipeline.startAll(['sink', 'respond', 'detect', 'ingest']);
        const sender = new RelpSender({ port: pipeline.ports.relp, rate: 20 });
        await sender.send(sudoLines(INCIDENTS, Date.now()));
        const incidents = `${pipeline.config.elasticsearch.indexPrefix}-incidents`;
        const incidentCount = async () => {
          await es.indices.refresh({ index: incidents, ignore_unavailable: true });
          return (await es.count({ index: incidents, ignore_unavailable: true })).count;
        };
        await waitFor(`${INCIDENTS} incidents`, async () => (await incidentCount()) >= INCIDENTS, 90_000, 500);
        // Strike while runs are in flight: some notified, not all ticketed.
        await waitFor('the first webhook calls', async () => hook.calls.length >= 10, 60_000, 100);
        await f.hit(pipeline, redis);
        const healed = Date.now();

        // Not stuck: every run ends (and says how) within the bound.
        const actions = `${pipeline.config.elasticsearch.indexPrefix}-actions`;
        let recoveryMs = Number.POSITIVE_INFINITY;
        await waitFor(
          `a run end for each of ${INCIDENTS} incidents`,
          async () => (await runEnds(es, actions)).size >= INCIDENTS,
          BOUND_MS + 60_000,
          1000,
        )
          .then(() => (recoveryMs = Date.now() - healed))
          .catch(() => undefined);
        const ends = await runEnds(es, actions);
        const statuses = [...ends.values()].flat();
        const succeeded = statuses.filter((st) => st === 'succeeded').length;
        const tickets = hook.calls.filter((c) => c.path.startsWith('/tickets/'));
        const ticketed = new Set(tickets.map((c) => c.path));
        report.add({
          fault: `${f.name} during playbook runs`,
          input: `playbook runs: ${succeeded} succeeded, ${statuses.length - succeeded} failed`,
          sent: INCIDENTS,
          acked: undefined,
          inElasticsearch: ends.size,
          duplicates: statuses.length - ends.size + (tickets.length - ticketed.size),
          lost: INCIDENTS - ends.size,
          recoveryMs,
          boundMs: BOUND_MS,
        });
        expect(ends.size).toBe(INCIDENTS);
        expect(recoveryMs).toBeLessThanOrEqual(BOUND_MS);
        // One end per run; a ticket at most once per incident.
        expect(statuses.length).toBe(INCIDENTS);
        expect(tickets.length).toBe(ticketed.size);
        // A run that failed did so because the fault cut an HTTP call that is not repeated
        // (not idempotent): the others all succeeded.
        expect(succeeded).toBeGreaterThan(INCIDENTS / 2);
        expect(ticketed.size).toBe(succeeded);
      } finally {
        await es.close();
        await pipeline.close();
        await hook.close();
      }
    }, 600_000);
  }
});
