import { describe, expect, it } from 'vitest';
import { ecsProblems } from './ecs-check.js';
import { normalizeRecord } from './records.js';

const ctx = { inputId: 'unit', receivedAt: new Date('2026-11-20T12:00:00.000Z'), keepOriginal: true };
const base = {
  time: '2026-11-20T09:30:00Z',
  resourceId: '/tenants/t1/providers/Microsoft.aadiam',
  operationName: 'Add user',
  category: 'AuditLogs',
};

describe('Entra ID audit records', () => {
  it('are told from activity and sign-in records by their category', () => {
    const r = normalizeRecord({ ...base, properties: { category: 'UserManagement', operationType: 'Add', result: 'success' } }, ctx);
    expect(r).toMatchObject({ ok: true, event: { event: { dataset: 'azure.auditlogs', category: ['iam'], type: ['creation'] } } });
    expect(r.ok && r.event.azure).toMatchObject({ tenant_id: 't1' });
  });

  it.each([
    ['properties that are not an object', { properties: 'x' }],
    ['targets and initiator of the wrong shapes', { properties: { targetResources: { type: 'User' }, initiatedBy: [1], result: 7 } }],
    ['a duration that is not a number', { durationMs: 'soon', properties: {} }],
  ])('give a valid ECS event for %s', (_n, extra) => {
    const r = normalizeRecord({ ...base, ...extra }, ctx);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(ecsProblems(r.event)).toEqual([]);
      expect(r.event.event?.duration).toBeUndefined();
    }
  });
});
