import type { Kafka, ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createProducer } from '../core/bus/producer.js';
import type { KafkaConfig } from '../core/config/types.js';
import { Auditor, type AuditEntry } from './audit.js';

/**
 * The respond stage's dispatcher and step worker await their audit records through one
 * idempotent producer (one request in flight). What keeps them from queueing one request each
 * behind each other: records sent while a request is in flight go together in the next one, and
 * each resolves with the acknowledgement of the request that carried it. The producer is the
 * bus's own; the kafkajs client under it is a stand-in that notes each produce request and
 * answers it when the test says (no timing).
 */

interface Request {
  /** `<run id> <action>` of each record, in the order the request carries them. */
  records: string[];
  ack: () => void;
}

async function auditOverBusProducer() {
  const requests: Request[] = [];
  const kafkajsProducer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    sendBatch: (batch: ProducerBatch) =>
      new Promise((resolve) => {
        const records = (batch.topicMessages ?? []).flatMap((t) =>
          t.messages.map((m) => `${String(m.key)} ${(JSON.parse(String(m.value)) as { event: { action: string } }).event.action}`),
        );
        requests.push({ records, ack: () => resolve([]) });
      }),
  };
  const kafka = { producer: () => kafkajsProducer } as unknown as Kafka;
  const cfg = { brokers: ['stand-in:9092'], compression: 'none', maxRecordBytes: 1_000_000 } as unknown as KafkaConfig;
  const producer = await createProducer(kafka, cfg);
  return { audit: new Auditor(producer, 'vigil.actions', (v) => v), requests };
}

const tick = () => new Promise((r) => setImmediate(r));

/** Acknowledges each request as it is made until `done()`. */
async function ackUntil(requests: Request[], done: () => boolean): Promise<void> {
  let answered = 0;
  while (!done()) {
    for (const r of requests.slice(answered)) r.ack();
    answered = requests.length;
    await tick();
  }
}

const started = (runId: string): AuditEntry => ({
  action: 'playbook.step.started',
  runId,
  playbookId: 'pb',
  incidentId: `inc-${runId}`,
  step: 'first',
  stepAction: 'transform',
  attempt: 1,
});

describe('audit records awaited at once by dispatches and steps', () => {
  it('go in one request while another is in flight, each resolving with the ack of its own request', async () => {
    const { audit, requests } = await auditOverBusProducer();
    const acked: string[] = [];
    const first = audit.record({ action: 'playbook.run.started', runId: 'run-0', playbookId: 'pb', incidentId: 'inc-0' }).then(() => {
      acked.push('run-0');
    });
    await tick();
    expect(requests).toHaveLength(1);

    // Eight steps of eight runs audit their start while the first request is in flight.
    const runs = Array.from({ length: 8 }, (_, i) => `run-${i + 1}`);
    const all = runs.map((run) => audit.record(started(run)).then(() => void acked.push(run)));
    await tick();
    expect(requests).toHaveLength(1);

    requests[0]!.ack();
    await first;
    await tick();
    expect(acked).toEqual(['run-0']);
    // The eight went together, in the order they were sent, in the next request.
    expect(requests).toHaveLength(2);
    expect(requests[1]!.records).toEqual(runs.map((r) => `${r} playbook.step.started`));

    requests[1]!.ack();
    await Promise.all(all);
    expect(acked).toEqual(['run-0', ...runs]);
    expect(requests).toHaveLength(2);
  });

  it('keep the order of a run whose records are sent one after another, its next record in a later request', async () => {
    const { audit, requests } = await auditOverBusProducer();
    const run = (async () => {
      await audit.record(started('run-a'));
      await audit.record({ ...started('run-a'), action: 'playbook.step.succeeded' });
    })();
    const other = audit.record(started('run-b'));
    let settled = false;
    void Promise.all([run, other]).then(() => (settled = true));
    await ackUntil(requests, () => settled);
    await Promise.all([run, other]);
    expect(requests.map((r) => r.records)).toEqual([
      ['run-a playbook.step.started'],
      ['run-b playbook.step.started'],
      ['run-a playbook.step.succeeded'],
    ]);
  });
});
