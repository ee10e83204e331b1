import { afterAll, describe, expect, it } from 'vitest';
import { runChaosFault } from '../support/chaos-fault.js';
import type { ChaosStage } from '../support/chaos-pipeline.js';
import { ChaosReport } from '../support/chaos-report.js';
import { CHAOS_FULL } from '../support/chaos-scenario.js';

/**
 * SIGKILL of one stage process mid-stream, then a restart 2 s later, on the shared services
 * (the fault is in Vigil, not in them). RELP lines must all arrive once: RELP acknowledges only
 * what Kafka holds, the sender resends the rest, and a resent line has the same event id, so
 * Elasticsearch keeps one document. Splunk HEC with indexer acknowledgement makes the same
 * promise: an ackId turns true once Kafka holds its request's events; the sender resends a
 * request whose ackId did not turn true in time (the killed process forgot it), with the same
 * bytes, so the resent events keep their ids. Plain TCP syslog acknowledges nothing: what the
 * killed ingest had read but not handed to Kafka is lost, and the table shows how much.
 *
 * Recovery bounds: ingest only produces, so it is back as soon as it listens (bound 30 s). A
 * consumer stage's successor waits for Kafka to drop the killed member from the group, which
 * takes the session timeout (30 s), then catches up (bound 75 s).
 * The respond stage is killed in playbooks.test.ts, where playbooks run.
 */
interface KillCase {
  stage: ChaosStage;
  /** Which documents show the stage's work: events pass ingest and sink only, alerts pass detect. */
  topic: 'events' | 'alerts';
  stages: readonly ChaosStage[];
  tcp: boolean;
  /** HEC events with indexer acknowledgement alongside the RELP lines. */
  hec: boolean;
  boundMs: number;
}

const CASES: KillCase[] = [
  { stage: 'ingest', topic: 'events', stages: ['sink', 'ingest'], tcp: true, hec: true, boundMs: 30_000 },
  { stage: 'detect', topic: 'alerts', stages: ['sink', 'detect', 'ingest'], tcp: false, hec: false, boundMs: 75_000 },
  ...(CHAOS_FULL ? [{ stage: 'sink', topic: 'events', stages: ['sink', 'ingest'], tcp: false, hec: false, boundMs: 75_000 } as const] : []),
];

const RELP_LINES = CHAOS_FULL ? 6000 : 2000;
const RATE = 200;
const TCP_LINES = CHAOS_FULL ? 30_000 : 10_000;
const TCP_RATE = 1000;
const HEC_EVENTS = CHAOS_FULL ? 6000 : 2000;

const report = new ChaosReport();
afterAll(() => report.print('Faults: SIGKILL of a stage'));

describe('SIGKILL of a stage process mid-stream, restarted after 2 s', () => {
  for (const c of CASES) {
    it(`${c.stage}: every acknowledged line reaches Elasticsearch once, within ${c.boundMs / 1000} s of the restart`, async () => {
      const res = await runChaosFault({
        pipeline: { name: `kill-${c.stage}`, hec: c.hec },
        stages: c.stages,
        report,
        topic: c.topic,
        relpLines: RELP_LINES,
        rate: RATE,
        tcpLines: c.tcp ? TCP_LINES : 0,
        tcpRate: TCP_RATE,
        hecEvents: c.hec ? HEC_EVENTS : 0,
        faultAfterMs: 3000,
        fault: (pipeline) => ({
          name: `SIGKILL ${c.stage}`,
          begin: () => pipeline.kill(c.stage),
          end: () => pipeline.start(c.stage),
          durationMs: 2000,
        }),
        recoveryBoundMs: c.boundMs,
        after: (r, pipeline) => {
          if (r.relp.lost > 0 || (r.hec?.lost ?? 0) > 0) console.error(pipeline.logTail(c.stage));
        },
      });

      expect(res.offeredBeforeFault).toBeGreaterThan(0);
      expect(res.relp).toMatchObject({ acked: RELP_LINES, inElasticsearch: RELP_LINES, lost: 0, duplicates: 0 });
      expect(res.relp.recoveryMs).toBeLessThanOrEqual(c.boundMs);
      if (c.hec) {
        // At least once into Kafka (resends), once in Elasticsearch (the resent envelope has the same id).
        expect(res.hec).toMatchObject({ acked: HEC_EVENTS, inElasticsearch: HEC_EVENTS, lost: 0, duplicates: 0 });
        expect(res.hec!.recoveryMs).toBeLessThanOrEqual(c.boundMs);
        expect(res.hecKafka!.distinct).toBe(HEC_EVENTS);
        // What Kafka took in the 500 ms before the kill was never acknowledged: sent again, so Kafka holds it twice.
        expect(res.hecKafka!.records).toBeGreaterThan(HEC_EVENTS);
      }
      if (res.tcp) {
        // No acknowledgement, so no promise of delivery: only that nothing arrives twice.
        expect(res.tcp.duplicates).toBe(0);
        expect(res.tcp.inElasticsearch).toBeGreaterThan(0);
      }
    }, 300_000);
  }
});
