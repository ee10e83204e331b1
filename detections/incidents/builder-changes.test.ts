import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../core/event/index.js';
import { buildAlert, type FiredRule } from '../model/index.js';
import { IncidentBuilder } from './builder.js';
import { consoleBaseUrl } from './options.js';
import { decodeIncidentChange, incidentChange, incidentChangeRecord, MAX_NOTES, type ChangeRequest } from './change.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const MIN = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

let seq = 0;
/** A real engine alert (buildAlert) for a synthetic event. */
function alert(a: { rule?: string; level?: string; at?: number; host?: string; user?: string }): EcsEvent {
  const rule: FiredRule = {
    id: a.rule ?? 'r-brute',
    title: `Rule ${a.rule ?? 'r-brute'}`,
    level: a.level ?? 'medium',
    tags: [],
    references: [],
    techniques: [],
    tactics: [],
  };
  const event: EcsEvent = {
    '@timestamp': at(a.at ?? 0),
    message: 'm',
    ...(a.host ? { host: { name: a.host } } : {}),
    ...(a.user ? { user: { name: a.user } } : {}),
    vigil: { id: `ev-${++seq}`, input: 'test', received_at: at(0), parse_status: 'ok' },
  };
  return buildAlert(rule, event, ['selection'], new Date(T0));
}

const change = (incidentId: string, req: ChangeRequest, minute = 30, extra: { by?: string; reason?: string; key?: string } = {}) =>
  incidentChange({ incidentId, at: at(minute), by: extra.by ?? 'api:alice', source: 'api', ...extra, ...req });

function oneIncident() {
  const b = new IncidentBuilder({ consoleUrl: 'https://vigil.example.org/' });
  const id = b.add(alert({ host: 'h1', level: 'medium' })).incidentId;
  return { b, id };
}

describe('assignee', () => {
  it('assigns, reassigns and unassigns; the same assignee again changes nothing', () => {
    const { b, id } = oneIncident();
    const [doc] = b.applyChange(change(id, { kind: 'assign', assignee: 'alice' }));
    expect(doc?.incident).toMatchObject({ assignee: 'alice', assignment: { by: 'api:alice', at: at(30) }, version: 2 });
    expect(b.applyChange(change(id, { kind: 'assign', assignee: 'alice' }, 31))).toEqual([]);
    expect(b.applyChange(change(id, { kind: 'assign', assignee: 'bob' }, 32))[0]?.incident.assignee).toBe('bob');
    const [cleared] = b.applyChange(change(id, { kind: 'assign', assignee: null }, 33));
    expect(cleared?.incident.assignee).toBeUndefined();
    expect(cleared?.incident.version).toBe(4);
  });

  it('is last writer wins by time: an older assignment replayed after a restore does not come back', () => {
    const { b, id } = oneIncident();
    const old = change(id, { kind: 'assign', assignee: 'alice' }, 30);
    b.applyChange(old);
    b.applyChange(change(id, { kind: 'assign', assignee: 'bob' }, 40));
    // A restored state that has forgotten the applied ids (they are capped) sees the old change again.
    const restored = new IncidentBuilder();
    restored.restore(b.snapshot().map((e) => ({ key: e.key, value: JSON.stringify({ ...JSON.parse(e.value as string), applied: [] }) })));
    expect(restored.applyChange(old)).toEqual([]);
    expect(restored.get(id)?.incident.assignee).toBe('bob');
  });

  it('refuses to assign a closed incident with INCIDENT_CONFLICT, naming why', () => {
    const { b, id } = oneIncident();
    b.applyChange(change(id, { kind: 'status', status: 'closed' }, 10, { reason: 'fp' }));
    expect(() => b.applyChange(change(id, { kind: 'assign', assignee: 'alice' }))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CONFLICT', message: expect.stringContaining('is closed') }),
    );
    expect(b.get(id)?.incident.assignee).toBeUndefined();
  });

  it('refuses a change once: the same change read again (a restart replays the topic) is a no-op, not a second refusal', () => {
    const { b, id } = oneIncident();
    b.applyChange(change(id, { kind: 'status', status: 'closed' }, 10, { reason: 'fp' }));
    const assign = change(id, { kind: 'assign', assignee: 'alice' }, 20);
    expect(() => b.applyChange(assign)).toThrow(expect.objectContaining({ code: 'INCIDENT_CONFLICT' }));
    expect(b.applyChange(assign)).toEqual([]);
    // And after a restore from the changelog.
    const restored = new IncidentBuilder();
    restored.restore(b.snapshot());
    expect(restored.applyChange(assign)).toEqual([]);
  });
});

describe('notes', () => {
  it('appends who, when and what, oldest first; a change id applies once (a retried playbook step)', () => {
    const { b, id } = oneIncident();
    b.applyChange(change(id, { kind: 'note', text: 'looks like a scanner' }, 30, { key: 'run-1:step-a:1' }));
    // The same step retried later: same key, another time: the same change.
    expect(b.applyChange(change(id, { kind: 'note', text: 'looks like a scanner' }, 35, { key: 'run-1:step-a:1' }))).toEqual([]);
    b.applyChange(change(id, { kind: 'note', text: 'blocked at the edge' }, 40, { by: 'cli:bob' }));
    expect(b.get(id)?.incident.notes?.map((n) => [n.by, n.at, n.text])).toEqual([
      ['api:alice', at(30), 'looks like a scanner'],
      ['cli:bob', at(40), 'blocked at the edge'],
    ]);
  });

  it('notes on a closed incident are allowed (the post-mortem); past the cap they are refused', () => {
    const { b, id } = oneIncident();
    b.applyChange(change(id, { kind: 'status', status: 'closed' }, 10));
    for (let i = 0; i < MAX_NOTES; i++) b.applyChange(change(id, { kind: 'note', text: `n${i}` }, 20 + i));
    expect(b.get(id)?.incident.notes).toHaveLength(MAX_NOTES);
    expect(() => b.applyChange(change(id, { kind: 'note', text: 'one more' }, 99))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CONFLICT' }),
    );
  });
});

describe('severity override', () => {
  it('is the severity until cleared; a higher alert does not override the person', () => {
    const { b, id } = oneIncident();
    const [doc] = b.applyChange(change(id, { kind: 'severity', severity: 'low' }, 30, { reason: 'lab host' }));
    expect(doc?.incident.severity).toBe('low');
    expect(doc?.incident.severity_override).toEqual({ level: 'low', computed: 'medium', by: 'api:alice', at: at(30), reason: 'lab host' });
    const escalated = b.add(alert({ rule: 'r-crit', level: 'critical', host: 'h1', at: 40 }));
    expect(escalated.incidentId).toBe(id);
    expect(escalated.document?.incident.severity).toBe('low');
    expect(escalated.document?.incident.severity_override?.computed).toBe('critical');
    const [cleared] = b.applyChange(change(id, { kind: 'severity', severity: null }, 50));
    expect(cleared?.incident.severity).toBe('critical');
    expect(cleared?.incident.severity_override).toBeUndefined();
  });

  it('refuses a severity change on a closed incident', () => {
    const { b, id } = oneIncident();
    b.applyChange(change(id, { kind: 'status', status: 'closed' }, 10));
    expect(() => b.applyChange(change(id, { kind: 'severity', severity: 'high' }))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CONFLICT' }),
    );
  });
});

describe('enrichments', () => {
  it('keeps the latest result per source; an older result is ignored', () => {
    const { b, id } = oneIncident();
    b.applyChange(change(id, { kind: 'enrichment', enrichment: { source: 'virustotal', value: { malicious: 3 } } }, 30));
    b.applyChange(change(id, { kind: 'enrichment', enrichment: { source: 'abuseipdb', value: { score: 90 } } }, 31));
    expect(b.applyChange(change(id, { kind: 'enrichment', enrichment: { source: 'virustotal', value: { malicious: 1 } } }, 20))).toEqual(
      [],
    );
    const [doc] = b.applyChange(change(id, { kind: 'enrichment', enrichment: { source: 'virustotal', value: { malicious: 7 } } }, 40));
    expect(doc?.incident.enrichments).toEqual({
      virustotal: { at: at(40), by: 'api:alice', value: { malicious: 7 } },
      abuseipdb: { at: at(31), by: 'api:alice', value: { score: 90 } },
    });
  });
});

describe('merge', () => {
  function two() {
    const b = new IncidentBuilder();
    const a = b.add(alert({ rule: 'r1', host: 'h1', level: 'medium' })).incidentId;
    const bId = b.add(alert({ rule: 'r2', host: 'h2', user: 'u2', level: 'high', at: 5 })).incidentId;
    expect(bId).not.toBe(a);
    return { b, a, bId };
  }

  it('closes B with reason merged and merged_into A; A gains its alerts, rules and entities', () => {
    const { b, a, bId } = two();
    const before = b.get(bId);
    const docs = b.applyChange(change(bId, { kind: 'merge', into: a }, 10));
    expect(docs.map((d) => d.incident.id)).toEqual([bId, a]);
    const [merged, into] = docs;
    expect(merged?.incident).toMatchObject({
      status: 'closed',
      merged_into: a,
      status_change: { reason: 'merged', by: 'api:alice', source: 'api', at: at(10) },
    });
    expect(into?.incident.alerts).toEqual([...(b.get(a)?.incident.alerts.slice(0, 1) ?? []), ...(before?.incident.alerts ?? [])]);
    expect(into?.incident).toMatchObject({ alert_count: 2, merged: [bId], severity: 'high' });
    expect(into?.incident.entities?.hosts).toEqual(['h1', 'h2']);
    expect(into?.incident.rules?.map((r) => r.id)).toEqual(['r1', 'r2']);
  });

  it('later alerts that would have joined B (suppressed or grouped) go to A; a redelivered B alert is a duplicate', () => {
    const { b, a, bId } = two();
    const bAlert = alert({ rule: 'r9', user: 'u2', at: 6 });
    expect(b.add(bAlert).incidentId).toBe(bId);
    b.applyChange(change(bId, { kind: 'merge', into: a }, 10));
    const repeat = b.add(alert({ rule: 'r2', host: 'h2', at: 20 }));
    expect([repeat.outcome, repeat.incidentId]).toEqual(['suppressed', a]);
    const grouped = b.add(alert({ rule: 'r3', user: 'u2', at: 25 }));
    expect([grouped.outcome, grouped.incidentId]).toEqual(['grouped', a]);
    expect(b.add(bAlert).outcome).toBe('duplicate');
    expect(b.get(bId)?.incident.alert_count).toBe(2);
  });

  it('survives a restore: B stays out of the entity index', () => {
    const { b, a, bId } = two();
    b.applyChange(change(bId, { kind: 'merge', into: a }, 10));
    const restored = new IncidentBuilder();
    restored.restore(b.snapshot());
    expect(restored.add(alert({ rule: 'r3', host: 'h2', at: 20 })).incidentId).toBe(a);
    expect(restored.get(bId)?.incident.merged_into).toBe(a);
  });

  it.each([
    ['into itself', (x: { a: string; bId: string }) => [x.a, x.a], 'cannot be merged into itself'],
    ['into a closed incident', (x: { a: string; bId: string }) => [x.bId, x.a], 'is closed'],
    ['into a merged incident', (x: { a: string; bId: string; c: string }) => [x.bId, x.c], 'was merged into'],
    ['twice', (x: { a: string; bId: string; c: string }) => [x.c, x.bId], 'already'],
    ['into an unknown incident', (x: { a: string; bId: string }) => [x.bId, 'inc-nope'], 'is not known'],
  ] as const)('refuses a merge %s with INCIDENT_CONFLICT', (name, pick, why) => {
    const { b, a, bId } = two();
    const c = b.add(alert({ rule: 'r5', host: 'h5', at: 7 })).incidentId;
    if (name === 'into a closed incident') b.applyChange(change(a, { kind: 'status', status: 'closed' }, 8));
    if (name === 'into a merged incident') b.applyChange(change(c, { kind: 'merge', into: a }, 8));
    if (name === 'twice') b.applyChange(change(c, { kind: 'merge', into: a }, 8));
    const [from, into] = pick({ a, bId, c });
    const version = b.get(from as string)?.incident.version;
    expect(() => b.applyChange(change(from as string, { kind: 'merge', into: into as string }, 9))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CONFLICT', message: expect.stringContaining(why) }),
    );
    expect(b.get(from as string)?.incident.version).toBe(version);
  });

  it('a merge replayed (its id forgotten) changes nothing and is no conflict', () => {
    const { b, a, bId } = two();
    const merge = change(bId, { kind: 'merge', into: a }, 10);
    b.applyChange(merge);
    const restored = new IncidentBuilder();
    restored.restore(b.snapshot().map((e) => ({ key: e.key, value: JSON.stringify({ ...JSON.parse(e.value as string), applied: [] }) })));
    expect(restored.applyChange(merge)).toEqual([]);
    expect(restored.get(a)?.incident.alert_count).toBe(2);
  });

  it('a merged incident cannot be reopened', () => {
    const { b, a, bId } = two();
    b.applyChange(change(bId, { kind: 'merge', into: a }, 10));
    expect(() => b.applyChange(change(bId, { kind: 'status', status: 'open' }, 11))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_CONFLICT', message: expect.stringContaining(`merged into ${a}`) }),
    );
  });
});

describe('time to acknowledge', () => {
  const status = (id: string, s: 'open' | 'acknowledged' | 'closed', minute: number) =>
    change(id, { kind: 'status', status: s }, minute, s === 'closed' ? { reason: 'done' } : {});

  it('records when the incident was first acknowledged, and the minutes from its first alert', () => {
    const { b, id } = oneIncident();
    expect(b.get(id)?.incident.acknowledged_at).toBeUndefined();
    const [doc] = b.applyChange(status(id, 'acknowledged', 42));
    expect(doc?.incident).toMatchObject({ acknowledged_at: at(42), minutes_to_acknowledge: 42 });
  });

  it('keeps the first acknowledgement through closing, reopening and acknowledging again', () => {
    const { b, id } = oneIncident();
    b.applyChange(status(id, 'acknowledged', 10));
    b.applyChange(status(id, 'closed', 20));
    const [reopened] = b.applyChange(status(id, 'open', 30));
    expect(reopened?.incident).toMatchObject({ status: 'open', acknowledged_at: at(10), minutes_to_acknowledge: 10 });
    const [again] = b.applyChange(status(id, 'acknowledged', 40));
    expect(again?.incident).toMatchObject({ acknowledged_at: at(10), minutes_to_acknowledge: 10 });
  });

  it('is not set by closing an incident nobody acknowledged, nor by a merge', () => {
    const { b, id } = oneIncident();
    const [closed] = b.applyChange(status(id, 'closed', 5));
    expect(closed?.incident.acknowledged_at).toBeUndefined();
    expect(closed?.incident.minutes_to_acknowledge).toBeUndefined();
    const into = b.add(alert({ host: 'h2', at: 1 })).incidentId;
    const other = b.add(alert({ host: 'h3', at: 2 })).incidentId;
    const [merged] = b.applyChange(change(other, { kind: 'merge', into }, 6));
    expect(merged?.incident.acknowledged_at).toBeUndefined();
  });

  it('survives a restart: the restored incident still says when it was first acknowledged', () => {
    const { b, id } = oneIncident();
    b.applyChange(status(id, 'acknowledged', 15));
    b.applyChange(status(id, 'closed', 25));
    const restored = new IncidentBuilder();
    restored.restore(b.snapshot());
    const [reopened] = restored.applyChange(status(id, 'open', 35));
    expect(reopened?.incident).toMatchObject({ acknowledged_at: at(15), minutes_to_acknowledge: 15 });
  });

  it('does not go back before the first alert: an acknowledgement stamped earlier counts as 0 minutes', () => {
    const b = new IncidentBuilder();
    const id = b.add(alert({ host: 'h1', at: 10 })).incidentId;
    const [doc] = b.applyChange(status(id, 'acknowledged', 5));
    expect(doc?.incident).toMatchObject({ acknowledged_at: at(5), minutes_to_acknowledge: 0 });
  });
});

describe('time to resolve', () => {
  const status = (id: string, s: 'open' | 'acknowledged' | 'closed', minute: number) =>
    change(id, { kind: 'status', status: s }, minute, s === 'closed' ? { reason: 'done' } : {});

  it('records when a closed incident was closed, and the minutes from its first alert; reopening removes both', () => {
    const { b, id } = oneIncident();
    const [acked] = b.applyChange(status(id, 'acknowledged', 10));
    expect(acked?.incident.resolved_at).toBeUndefined();
    const [closed] = b.applyChange(status(id, 'closed', 90));
    expect(closed?.incident).toMatchObject({ resolved_at: at(90), minutes_to_resolve: 90 });
    const [reopened] = b.applyChange(status(id, 'open', 100));
    expect(reopened?.incident.resolved_at).toBeUndefined();
    expect(reopened?.incident.minutes_to_resolve).toBeUndefined();
    const [again] = b.applyChange(status(id, 'closed', 150));
    expect(again?.incident).toMatchObject({ resolved_at: at(150), minutes_to_resolve: 150 });
  });

  it('is not set by a merge, which closes an incident without resolving it', () => {
    const { b, id } = oneIncident();
    const other = b.add(alert({ host: 'h3', at: 2 })).incidentId;
    const [merged] = b.applyChange(change(other, { kind: 'merge', into: id }, 6));
    expect(merged?.incident).toMatchObject({ id: other, status: 'closed' });
    expect(merged?.incident.resolved_at).toBeUndefined();
  });
});

describe('change records and links', () => {
  it('round-trip through keyed records: notes never share a key, other kinds one per incident and field', () => {
    const n1 = change('inc-1', { kind: 'note', text: 'a' });
    const n2 = change('inc-1', { kind: 'note', text: 'b' });
    expect(incidentChangeRecord(n1).key).not.toBe(incidentChangeRecord(n2).key);
    expect(incidentChangeRecord(change('inc-1', { kind: 'assign', assignee: 'x' })).key).toBe('inc-1|assign');
    expect(incidentChangeRecord(change('inc-1', { kind: 'status', status: 'closed' })).key).toBe('inc-1');
    const e = change('inc-1', { kind: 'enrichment', enrichment: { source: 'vt', value: [1] } });
    expect(decodeIncidentChange(incidentChangeRecord(e).value as string)).toEqual(e);
  });

  it.each([
    ['an unknown kind', { kind: 'rename' }],
    ['an empty note', { kind: 'note', text: ' ' }],
    ['an unknown severity', { kind: 'severity', severity: 'urgent' }],
    ['an enrichment without a source', { kind: 'enrichment', enrichment: { value: 1 } }],
    ['an oversize enrichment', { kind: 'enrichment', enrichment: { source: 'vt', value: 'x'.repeat(20_000) } }],
  ])('refuses %s with INCIDENT_STATUS', (_n, req) => {
    expect(() => change('inc-1', req as never)).toThrow(expect.objectContaining({ code: 'INCIDENT_STATUS' }));
    const ok = change('inc-1', { kind: 'note', text: 'fine' });
    expect(() => decodeIncidentChange(JSON.stringify({ ...ok, text: undefined, ...req }))).toThrow(
      expect.objectContaining({ code: 'INCIDENT_STATUS' }),
    );
  });

  it.each([
    ['api.publicUrl', { enabled: false, publicUrl: 'https://soc.example.org' }, 'https://soc.example.org'],
    ['the API address', { enabled: true, host: '10.1.2.3', port: 8474 }, 'http://10.1.2.3:8474'],
    [
      'the API address over TLS',
      { enabled: true, host: 'vigil.lan', port: 443, tls: { certFile: 'c', keyFile: 'k' } },
      'https://vigil.lan:443',
    ],
    ['nothing for a wildcard listener', { enabled: true, host: '0.0.0.0', port: 8474 }, ''],
    ['nothing when the API is off', { enabled: false, host: '127.0.0.1', port: 8474 }, ''],
  ])('the console base URL is %s', (_n, api, expected) => {
    expect(consoleBaseUrl({ host: '127.0.0.1', port: 8474, maxBodyBytes: 65536, tokens: [], ...api })).toBe(expected);
  });

  it('documents link to the console page of the incident', () => {
    const { b, id } = oneIncident();
    expect(b.get(id)?.vigil.links?.console).toBe(`https://vigil.example.org/console/#/incidents/${id}`);
    expect(new IncidentBuilder().add(alert({ host: 'h1' })).document?.vigil.links).toBeUndefined();
  });
});
