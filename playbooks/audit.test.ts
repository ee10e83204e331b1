import { describe, expect, it } from 'vitest';
import type { OutRecord, Publisher } from '../core/bus/types.js';
import { Auditor, auditDocument, auditId, type AuditDocument, type AuditEntry } from './audit.js';
import { redactor } from './template.js';

const base = { runId: 'run-1', playbookId: 'pb', incidentId: 'inc-1' };
const now = new Date('2026-01-02T03:04:05.000Z');

describe('auditDocument', () => {
  it('writes a step error as ECS with the attempt and the error', () => {
    const doc = auditDocument(
      {
        ...base,
        action: 'playbook.step.failed',
        step: 'notify',
        stepAction: 'http.request',
        attempt: 1,
        maxAttempts: 3,
        willRetry: true,
        error: { code: 'ACTION_FAILED', message: 'unexpected HTTP 500' },
      },
      now,
    );
    expect(doc).toEqual({
      '@timestamp': '2026-01-02T03:04:05.000Z',
      message: 'playbook pb run run-1: step notify failed (attempt 1/3), will retry: unexpected HTTP 500',
      event: {
        kind: 'event',
        category: ['process'],
        type: ['end'],
        action: 'playbook.step.failed',
        outcome: 'failure',
        dataset: 'vigil.actions',
      },
      error: { code: 'ACTION_FAILED', message: 'unexpected HTTP 500' },
      vigil: {
        id: auditId({ action: 'playbook.step.failed', runId: 'run-1', step: 'notify', attempt: 1 }),
        playbook: { id: 'pb', run_id: 'run-1', step: 'notify', action: 'http.request', attempt: 1, max_attempts: 3, will_retry: true },
        incident: { id: 'inc-1' },
      },
    });
  });

  it.each([
    ['playbook.run.started', 'start', 'unknown'],
    ['playbook.step.started', 'start', 'unknown'],
    ['playbook.step.succeeded', 'end', 'success'],
    ['playbook.step.skipped', 'info', 'unknown'],
    ['playbook.run.ended', 'end', 'unknown'],
  ] as const)('%s is event.type %s, outcome %s by default', (action, type, outcome) => {
    const doc = auditDocument({ ...base, action }, now);
    expect(doc.event.type).toEqual([type]);
    expect(doc.event.outcome).toBe(outcome);
  });

  it('gives the same fact the same id, and each attempt its own', () => {
    const id = (e: Partial<AuditEntry> & Pick<AuditEntry, 'action'>) => auditDocument({ ...base, ...e }).vigil.id;
    expect(id({ action: 'playbook.step.started', step: 'a', attempt: 1 })).toBe(
      id({ action: 'playbook.step.started', step: 'a', attempt: 1 }),
    );
    expect(id({ action: 'playbook.step.started', step: 'a', attempt: 1 })).not.toBe(
      id({ action: 'playbook.step.started', step: 'a', attempt: 2 }),
    );
    expect(id({ action: 'playbook.step.failed', step: 'a', attempt: 1 })).not.toBe(
      id({ action: 'playbook.step.started', step: 'a', attempt: 1 }),
    );
    // A settled step is one fact whatever attempt settled it.
    expect(id({ action: 'playbook.step.succeeded', step: 'a', attempt: 2 })).toBe(
      id({ action: 'playbook.step.succeeded', step: 'a', attempt: 3 }),
    );
    expect(id({ action: 'playbook.run.ended' })).not.toBe(id({ action: 'playbook.run.started' }));
  });
});

describe('Auditor', () => {
  it('publishes keyed by run id, with secret values scrubbed', async () => {
    const sent: Array<{ topic: string; records: OutRecord[] }> = [];
    const publisher: Publisher = { send: async (topic, records) => void sent.push({ topic, records }) };
    const audit = new Auditor(publisher, 'vigil.actions', redactor({ TOKEN: 'hunter2' }));
    await audit.record(
      { ...base, action: 'playbook.step.succeeded', step: 's', result: { status: 200, body: 'echo hunter2' } },
      { ...base, action: 'playbook.run.ended', outcome: 'success' },
    );
    await audit.record();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.topic).toBe('vigil.actions');
    expect(sent[0]?.records.map((r) => r.key)).toEqual(['run-1', 'run-1']);
    const text = sent[0]?.records.map((r) => String(r.value)).join('\n') ?? '';
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(String(sent[0]?.records[0]?.value)).vigil.playbook.result).toEqual({ status: 200, body: 'echo [REDACTED]' });
  });
  it('redacts fields named like a credential whatever their value', async () => {
    const sent: OutRecord[] = [];
    const audit = new Auditor({ send: async (_t, records) => void sent.push(...records) }, 'vigil.actions', redactor({}));
    await audit.record({
      ...base,
      action: 'playbook.step.succeeded',
      step: 's',
      args: { url: 'https://api.example.test/', headers: { authorization: 'Basic literal', accept: 'application/json' } },
      result: { status: 200, body: { access_token: 'srv-1', user: 'u' } },
    });
    const doc = JSON.parse(String(sent[0]?.value)) as AuditDocument;
    expect(doc.vigil.playbook.args).toEqual({
      url: 'https://api.example.test/',
      headers: { authorization: '[REDACTED]', accept: 'application/json' },
    });
    expect(doc.vigil.playbook.result).toEqual({ status: 200, body: { access_token: '[REDACTED]', user: 'u' } });
  });
  it('keeps the fact of a step whose result is too large for a record, with a sample and the size of what was cut', async () => {
    const sent: OutRecord[] = [];
    const audit = new Auditor({ send: async (_t, records) => void sent.push(...records) }, 'vigil.actions', redactor({}), 64 * 1024);
    const hits = Array.from({ length: 5000 }, (_, i) => ({ _id: `hit-${i}`, host: { name: `h${i}` } }));
    await audit.record({ ...base, action: 'playbook.step.succeeded', step: 'search', stepAction: 'elasticsearch.query', result: { hits } });
    const value = String(sent[0]?.value);
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(64 * 1024);
    const doc = JSON.parse(value) as AuditDocument;
    expect(doc.event.action).toBe('playbook.step.succeeded');
    expect(doc.vigil.playbook.step).toBe('search');
    expect(doc.vigil.playbook.result).toMatchObject({ truncated: true, bytes: JSON.stringify({ hits }).length });
    expect((doc.vigil.playbook.result as { sample: string }).sample.startsWith('{"hits":[{"_id":"hit-0"')).toBe(true);
  });
});
