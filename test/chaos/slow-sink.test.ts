import { afterAll, describe, expect, it } from 'vitest';
import { runChaosFault } from '../support/chaos-fault.js';
import { ChaosReport } from '../support/chaos-report.js';
import { CHAOS_FULL } from '../support/chaos-scenario.js';
import { SERVICES } from '../support/config.js';
import { startSlowProxy } from '../support/slow-proxy.js';

/**
 * A slow sink: the sink stage reaches Elasticsearch through a proxy that holds every answer for
 * 5 s (a bulk of 500 then takes over 5 s: under 100 events/s, half the 200/s sent) for a while,
 * then answers at full speed again. Only this test's sink is slowed; the shared Elasticsearch is
 * not. Kafka absorbs the backlog: ingest keeps acknowledging at the sender's pace, nothing is
 * lost or doubled, and the sink catches up within the bound once Elasticsearch is fast again.
 */
const DELAY_MS = 5000;
const SLOW_FOR_MS = CHAOS_FULL ? 60_000 : 15_000;
const RELP_LINES = CHAOS_FULL ? 16_000 : 5000;
const RATE = 200;
const BOUND_MS = 60_000;

const report = new ChaosReport();
afterAll(() => report.print('Faults: a slow sink'));

describe('a slow sink (Elasticsearch answers after 5 s)', () => {
  it(`keeps ingest acknowledging at the sender's pace and catches up within ${BOUND_MS / 1000} s`, async () => {
    const proxy = await startSlowProxy(SERVICES.elasticsearch);
    try {
      const res = await runChaosFault({
        pipeline: { name: 'slow-sink', sinkNode: proxy.url },
        stages: ['sink', 'ingest'],
        report,
        topic: 'events',
        relpLines: RELP_LINES,
        rate: RATE,
        faultAfterMs: 3000,
        fault: () => ({
          name: `slow sink (${DELAY_MS / 1000} s per request, ${SLOW_FOR_MS / 1000} s)`,
          begin: async () => void (proxy.delayMs = DELAY_MS),
          end: async () => void (proxy.delayMs = 0),
          durationMs: SLOW_FOR_MS,
        }),
        recoveryBoundMs: BOUND_MS,
      });

      expect(res.relp).toMatchObject({ acked: RELP_LINES, inElasticsearch: RELP_LINES, lost: 0, duplicates: 0 });
      expect(res.relp.recoveryMs).toBeLessThanOrEqual(BOUND_MS);
      // Backpressure stops at Kafka: the sender was never held up by the slow sink.
      expect(res.sendMs).toBeLessThan((RELP_LINES / RATE) * 1000 + 5000);
    } finally {
      await proxy.close();
    }
  }, 300_000);
});
