import { afterAll, describe, expect, it } from 'vitest';
import { runChaosFault } from '../support/chaos-fault.js';
import { ChaosReport } from '../support/chaos-report.js';
import { CHAOS_FULL } from '../support/chaos-scenario.js';
import { startOwnServices, type OwnServices } from '../support/own-services.js';

/**
 * Elasticsearch down for 5 minutes mid-stream (`npm run chaos` only), on an Elasticsearch of the
 * test's own (the shared one serves every other test). Ingest and Kafka are unaffected: every
 * RELP line is acknowledged at the sender's pace, the sink holds its offsets and retries, and
 * once Elasticsearch is back it writes the backlog without losing or doubling a line.
 * Bound: caught up within 180 s of Elasticsearch answering again.
 */
const OUTAGE_MS = 5 * 60_000;
const BOUND_MS = 180_000;
const RATE = 100;
const RELP_LINES = 360 * RATE;

const report = new ChaosReport();
afterAll(() => report.print('Faults: Elasticsearch down'));

describe.runIf(CHAOS_FULL)('Elasticsearch down for 5 minutes', () => {
  let own: OwnServices | undefined;
  afterAll(async () => own?.close());

  it('loses and doubles nothing, and the sink catches up within the bound', async () => {
    own = await startOwnServices(['elasticsearch']);
    const elasticsearch = own.elasticsearch!;
    const res = await runChaosFault({
      pipeline: { name: 'es-down', elasticsearchNode: elasticsearch.address },
      stages: ['sink', 'detect', 'ingest'],
      report,
      topic: 'events',
      relpLines: RELP_LINES,
      rate: RATE,
      faultAfterMs: 20_000,
      fault: () => ({
        name: 'Elasticsearch down 5 min',
        begin: () => elasticsearch.stop(),
        end: async () => void (await elasticsearch.start()),
        durationMs: OUTAGE_MS,
      }),
      recoveryBoundMs: BOUND_MS,
    });

    expect(res.relp).toMatchObject({ acked: RELP_LINES, inElasticsearch: RELP_LINES, lost: 0, duplicates: 0 });
    expect(res.relp.recoveryMs).toBeLessThanOrEqual(BOUND_MS);
    // Ingest does not depend on Elasticsearch: the sender was never held up.
    expect(res.sendMs).toBeLessThan((RELP_LINES / RATE) * 1000 + 10_000);
  }, 1_200_000);
});
