import { afterAll, describe, expect, it } from 'vitest';
import { runChaosFault } from '../support/chaos-fault.js';
import { ChaosReport } from '../support/chaos-report.js';
import { CHAOS_FULL } from '../support/chaos-scenario.js';
import { startOwnServices, type OwnServices } from '../support/own-services.js';

/**
 * The Kafka broker stopped for 60 s and started again, mid-stream (`npm run chaos` only). The
 * broker is the test's own (same install as `vigil up`, its own ports and data): the shared one
 * serves every other test. RELP lines are not acknowledged while Kafka cannot take them, so the
 * sender holds them and resends; plain TCP lines read during the outage are at risk, and the
 * table shows how many were lost. Bound: caught up within 120 s of the broker's restart.
 */
const OUTAGE_MS = 60_000;
const BOUND_MS = 120_000;
const RATE = 100;
const RELP_LINES = 150 * RATE;
const TCP_LINES = 150 * RATE;

const report = new ChaosReport();
afterAll(() => report.print('Faults: the Kafka broker stopped'));

describe.runIf(CHAOS_FULL)('the Kafka broker stopped for 60 s', () => {
  let own: OwnServices | undefined;
  afterAll(async () => own?.close());

  it('loses no acknowledged line, doubles none, and catches up within the bound', async () => {
    own = await startOwnServices(['kafka']);
    const kafka = own.kafka!;
    const res = await runChaosFault({
      pipeline: { name: 'broker', kafkaBrokers: [kafka.address] },
      stages: ['sink', 'detect', 'ingest'],
      report,
      topic: 'events',
      relpLines: RELP_LINES,
      rate: RATE,
      tcpLines: TCP_LINES,
      faultAfterMs: 20_000,
      fault: () => ({
        name: 'Kafka broker stopped 60 s',
        begin: () => kafka.stop(),
        end: async () => void (await kafka.start()),
        durationMs: OUTAGE_MS,
      }),
      recoveryBoundMs: BOUND_MS,
      // Every stage is ready again: no consumer stayed down after the broker came back.
      after: async (_, pipeline) => {
        for (const s of ['sink', 'detect', 'ingest'] as const) expect(await pipeline.ready(s)).toBe(true);
      },
    });

    expect(res.relp).toMatchObject({ acked: RELP_LINES, inElasticsearch: RELP_LINES, lost: 0, duplicates: 0 });
    expect(res.relp.recoveryMs).toBeLessThanOrEqual(BOUND_MS);
    expect(res.tcp?.duplicates).toBe(0);
  }, 900_000);
});
