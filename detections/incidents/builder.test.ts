import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors/index.js';
import { deterministicId, type EcsEvent } from '../../core/event/index.js';
import { buildAlert, type FiredRule } from '../model/index.js';
import { IncidentBuilder, type AddOutcome } from './builder.js';
import type { IncidentDocument } from './incident.js';
import type { IncidentBuilderOptions } from './options.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

interface A {
  rule?: string;
  level?: string;
  at?: number; // minutes after T0
  host?: string;
  user?: string;
  ip?: string;
  tags?: string[];
  techniques?: string[];
  tactics?: string[];
  n?: number; // distinguishes events
}

let seq = 0;
/** A real engine alert (buildAlert) for a synthetic event. */
function alert(a: A): EcsEvent {
  const rule: FiredRule = {
    id: a.rule ?? 'r-brute',
    title: `Rule ${a.rule ?? 'r-brute'}`,
    level: a.level ?? 'medium',
    tags: a.tags ?? [],
    references: [],
    techniques: a.techniques ?? [],
    tactics: a.tactics ?? [],
  };
  const event: EcsEvent = {
    '@timestamp': new Date(T0 + (a.at ?? 0) * MIN).toISOString(),
    message: 'm',
    ...(a.host ? { host: { name: a.host } } : {}),
    ...(a.user ? { user: { name: a.user } } : {}),
    ...(a.ip ? { source: { ip: a.ip } } : {}),
    event: { original: 'raw line' },
    vigil: { id: `ev-${a.n ?? ++seq}`, input: 'test', received_at: '2025-03-01T10:00:00.000Z', parse_status: 'ok' },
  };
  return buildAlert(rule, event, ['selection'], new Date(T0));
}

function run(alerts: A[], opts: IncidentBuilderOptions = {}) {
  const b = new IncidentBuilder(opts);
  const results = alerts.map((a) => b.add(alert(a)));
  return { b, results, outcomes: results.map((r) => r.outcome), ids: results.map((r) => r.incidentId) };
}

/** Which alerts share an incident: `[0, 0, 1]` means the first two share one, the third is alone. */
function groups(ids: string[]): number[] {
  const seen = new Map<string, number>();
  return ids.map((id) => {
    if (!seen.has(id)) seen.set(id, seen.size);
    return seen.get(id) as number;
  });
}

describe('grouping by entity', () => {
  const base = { host: 'h1', user: 'u1', ip: '10.0.0.1' };
  it.each([
    // groupBy, second alert, same incident?
    ['host.name', { host: 'h1', user: 'u2', ip: '10.0.0.2' }, true],
    ['host.name', { host: 'h2', user: 'u1', ip: '10.0.0.1' }, false],
    ['user.name', { host: 'h2', user: 'u1', ip: '10.0.0.2' }, true],
    ['user.name', { host: 'h1', user: 'u2', ip: '10.0.0.1' }, false],
    ['source.ip', { host: 'h2', user: 'u2', ip: '10.0.0.1' }, true],
    ['source.ip', { host: 'h1', user: 'u1', ip: '10.0.0.9' }, false],
  ] as const)('groupBy [%s]: %o joins: %s', (key, second, same) => {
    const { outcomes } = run(
      [
        { ...base, rule: 'r1' },
        { ...second, rule: 'r2', at: 10 },
      ],
      { groupBy: [key] },
    );
    expect(outcomes).toEqual(['created', same ? 'grouped' : 'created']);
  });

  it('by default any of host.name, user.name, source.ip ties alerts, transitively through joined entities', () => {
    const { ids, b } = run([
      { rule: 'r1', host: 'h1', user: 'u1' },
      { rule: 'r2', host: 'h2', user: 'u1', at: 5 }, // shares the user
      { rule: 'r3', host: 'h2', at: 10 }, // shares h2, which the second alert brought in
      { rule: 'r4', host: 'h3', ip: '10.9.9.9', at: 15 }, // shares nothing
    ]);
    expect(groups(ids)).toEqual([0, 0, 0, 1]);
    expect(b.get(ids[0] as string)?.incident.entities).toEqual({ hosts: ['h1', 'h2'], users: ['u1'], ips: [] });
  });

  it('alerts without any group-by value group per rule', () => {
    const { ids, b } = run([{ rule: 'r1' }, { rule: 'r1', at: 1 }, { rule: 'r2', at: 2 }], { suppressionMs: 0 });
    expect(groups(ids)).toEqual([0, 0, 1]);
    expect(b.get(ids[0] as string)?.incident.title).toBe('Rule r1');
  });

  it('an alert sharing entities with two incidents joins the older one; incidents never merge', () => {
    const { ids } = run([
      { rule: 'r1', host: 'h1' },
      { rule: 'r2', user: 'u1', at: 1 },
      { rule: 'r3', host: 'h1', user: 'u1', at: 2 },
    ]);
    expect(groups(ids)).toEqual([0, 1, 0]);
  });
});

describe('the grouping window', () => {
  it.each([
    // minutes of the second (different-rule) alert after the first, joined?
    [0, true],
    [59, true],
    [60, false],
    [61, false],
    [-59, true], // late but within the window
    [-60, false],
  ])('a second alert at %i min joins: %s (window 1 h)', (at, joined) => {
    const { outcomes } = run([
      { rule: 'r1', host: 'h1' },
      { rule: 'r2', host: 'h1', at },
    ]);
    expect(outcomes[1]).toBe(joined ? 'grouped' : 'created');
  });

  it('counts the span of all grouped alerts, late ones included', () => {
    const { outcomes } = run([
      { rule: 'r1', host: 'h1', at: 0 },
      { rule: 'r2', host: 'h1', at: 30 },
      { rule: 'r3', host: 'h1', at: -40 }, // would span 70 min
    ]);
    expect(outcomes).toEqual(['created', 'grouped', 'created']);
  });
});

describe('dedup and suppression', () => {
  it.each<[string, A[], AddOutcome[], IncidentBuilderOptions?]>([
    ['same rule, same host, within suppression, past the window', [{ host: 'h1' }, { host: 'h1', at: 120 }], ['created', 'suppressed']],
    ['same rule, same host, after suppression (4 h)', [{ host: 'h1' }, { host: 'h1', at: 240 }], ['created', 'created']],
    ['same rule, other host, past the window', [{ host: 'h1' }, { host: 'h2', at: 120 }], ['created', 'created']],
    [
      'same rule on a shared user, other host',
      [
        { host: 'h1', user: 'u1' },
        { host: 'h2', user: 'u1', at: 120 },
      ],
      ['created', 'suppressed'],
    ],
    [
      'suppression off: past the window opens a new incident',
      [{ host: 'h1' }, { host: 'h1', at: 120 }],
      ['created', 'created'],
      { suppressionMs: 0 },
    ],
    [
      'suppression off: within the window still groups',
      [{ host: 'h1' }, { host: 'h1', at: 5 }],
      ['created', 'grouped'],
      { suppressionMs: 0 },
    ],
    [
      'the very same alert twice is a duplicate',
      [
        { host: 'h1', n: 7 },
        { host: 'h1', n: 7 },
      ],
      ['created', 'duplicate'],
    ],
  ])('%s', (_name, alerts, expected, opts) => {
    expect(run(alerts, opts).outcomes).toEqual(expected);
  });

  it('a suppressed alert updates count and last_seen, not a new incident', () => {
    const { b, results } = run([{ host: 'h1' }, { host: 'h1', at: 90 }, { host: 'h1', at: 180 }]);
    const doc = results[2]?.document as IncidentDocument;
    expect(doc.incident).toMatchObject({
      alert_count: 3,
      first_seen: '2025-03-01T10:00:00.000Z',
      last_seen: '2025-03-01T13:00:00.000Z',
      version: 3,
    });
    expect(doc.incident.rules).toEqual([{ id: 'r-brute', name: 'Rule r-brute', level: 'medium', weight: 47, count: 3 }]);
    expect(b.stats()).toMatchObject({ incidents: 1, created: 1, suppressed: 2 });
  });

  it('a redelivered alert changes nothing and yields no document', () => {
    const b = new IncidentBuilder();
    const a = alert({ host: 'h1' });
    const first = b.add(a);
    expect(b.add(a)).toEqual({ outcome: 'duplicate', incidentId: first.incidentId, document: null });
    expect(b.get(first.incidentId)?.incident.alert_count).toBe(1);
  });

  it('recognises redeliveries beyond the listed alert ids', () => {
    const b = new IncidentBuilder({ maxAlertIds: 2 });
    const alerts = [0, 1, 2, 3].map((i) => alert({ host: 'h1', at: i }));
    const ids = alerts.map((a) => b.add(a).incidentId);
    expect(new Set(ids).size).toBe(1);
    expect(b.add(alerts[3] as EcsEvent).outcome).toBe('duplicate');
    const doc = b.get(ids[0] as string) as IncidentDocument;
    expect(doc.incident.alerts).toHaveLength(2);
    expect(doc.incident.alert_count).toBe(4);
  });
});

describe('severity, risk and ATT&CK', () => {
  it('severity is the highest level; the lead rule is the first at that level', () => {
    const { results } = run([
      { rule: 'a', level: 'low', host: 'h1' },
      { rule: 'b', level: 'high', host: 'h1', at: 1 },
      { rule: 'c', level: 'medium', host: 'h1', at: 2 },
      { rule: 'd', level: 'high', host: 'h1', at: 3 },
    ]);
    const inc = results[3]?.document?.incident;
    expect(inc).toMatchObject({ severity: 'high', rule: { id: 'b', level: 'high' }, title: 'Rule b and 3 more on h1' });
  });

  it.each<[string, A[], IncidentBuilderOptions, number, Array<[string, string, number]>]>([
    ['one medium rule', [{ rule: 'a', host: 'h1' }], {}, 47, [['host.name', 'h1', 47]]],
    [
      'weights sum per entity; the incident takes the max',
      [
        { rule: 'a', level: 'low', host: 'h1', user: 'u1' },
        { rule: 'b', level: 'high', host: 'h1', at: 1 },
        { rule: 'c', level: 'critical', host: 'h1', at: 2 },
      ],
      {},
      21 + 73 + 99,
      [
        ['host.name', 'h1', 193],
        ['user.name', 'u1', 21],
      ],
    ],
    [
      'a repeated rule counts once per entity',
      [
        { rule: 'a', level: 'high', host: 'h1' },
        { rule: 'a', level: 'high', host: 'h1', at: 1 },
        { rule: 'a', level: 'high', host: 'h1', at: 2 },
      ],
      {},
      73,
      [['host.name', 'h1', 73]],
    ],
    [
      'configured weights by rule id and by rule name',
      [
        { rule: 'a', level: 'low', host: 'h1' },
        { rule: 'b', level: 'low', host: 'h1', at: 1 },
      ],
      { weights: { a: 5, 'Rule b': 10 } },
      15,
      [['host.name', 'h1', 15]],
    ],
    [
      'risk is per entity, not per incident: ip and user split the rules',
      [
        { rule: 'a', level: 'medium', ip: '10.0.0.1', user: 'u1' },
        { rule: 'b', level: 'medium', ip: '10.0.0.1', at: 1 },
        { rule: 'c', level: 'medium', user: 'u1', at: 2 },
        { rule: 'd', level: 'medium', user: 'u1', at: 3 },
      ],
      {},
      47 * 3,
      [
        ['user.name', 'u1', 141],
        ['source.ip', '10.0.0.1', 94],
      ],
    ],
  ])('%s', (_name, alerts, opts, score, risks) => {
    const { results } = run(alerts, opts);
    const inc = results[results.length - 1]?.document?.incident;
    expect(inc?.risk_score).toBe(score);
    expect(inc?.entity_risk?.map((r) => [r.field, r.value, r.score])).toEqual(risks);
  });

  it('tactics, techniques and tags are the union over the alerts', () => {
    const { results } = run([
      { rule: 'a', host: 'h1', tags: ['attack.t1110', 'attack.credential-access'], techniques: ['T1110'], tactics: ['credential-access'] },
      {
        rule: 'b',
        host: 'h1',
        at: 1,
        tags: ['attack.t1548.003'],
        techniques: ['T1548.003'],
        tactics: ['privilege-escalation', 'defense-evasion'],
      },
      { rule: 'c', host: 'h1', at: 2, techniques: ['T1110'], tactics: ['credential-access'] },
    ]);
    const inc = results[2]?.document?.incident;
    expect(inc?.threat).toEqual({
      technique: ['T1110', 'T1548.003'],
      tactic: ['credential-access', 'privilege-escalation', 'defense-evasion'],
    });
    expect(inc?.rule.tags).toEqual(['attack.t1110', 'attack.credential-access', 'attack.t1548.003']);
  });
});

describe('status policies', () => {
  const at = (min: number) => new Date(T0 + min * MIN).toISOString();

  it.each<[string, 'acknowledged' | 'closed', A, AddOutcome, 'same' | 'new', string]>([
    [
      'acknowledged: another rule within the window still groups',
      'acknowledged',
      { rule: 'r2', host: 'h1', at: 10 },
      'grouped',
      'same',
      'acknowledged',
    ],
    ['acknowledged: a repeat is deduplicated', 'acknowledged', { host: 'h1', at: 120 }, 'suppressed', 'same', 'acknowledged'],
    ['closed: a repeat within suppression is absorbed, not reopened', 'closed', { host: 'h1', at: 120 }, 'suppressed', 'same', 'closed'],
    ['closed: another rule within the window opens a new incident', 'closed', { rule: 'r2', host: 'h1', at: 10 }, 'created', 'new', 'open'],
    ['closed: a repeat after suppression opens a new incident', 'closed', { host: 'h1', at: 241 }, 'created', 'new', 'open'],
  ])('%s', (_name, status, next, outcome, which, statusAfter) => {
    const b = new IncidentBuilder();
    const first = b.add(alert({ host: 'h1' }));
    expect(b.applyStatus(first.incidentId, status, at(5), 'alice')?.incident.status).toBe(status);
    const r = b.add(alert(next));
    expect(r.outcome).toBe(outcome);
    expect(r.incidentId === first.incidentId).toBe(which === 'same');
    expect(r.document?.incident.status).toBe(statusAfter);
    expect(b.get(first.incidentId)?.incident.status).toBe(status);
  });

  it('reopen makes a closed incident group again', () => {
    const b = new IncidentBuilder();
    const first = b.add(alert({ host: 'h1' }));
    b.applyStatus(first.incidentId, 'closed', at(1), 'alice');
    const reopened = b.applyStatus(first.incidentId, 'open', at(2), 'bob', 'not a false positive', 'cli');
    expect(reopened?.incident).toMatchObject({
      status: 'open',
      version: 3,
      status_change: { at: at(2), by: 'bob', reason: 'not a false positive', source: 'cli' },
    });
    expect(reopened?.vigil.emitted_status).toBe('open');
    expect(b.add(alert({ rule: 'r2', host: 'h1', at: 10 })).incidentId).toBe(first.incidentId);
  });

  it.each([
    ['an unknown incident', 'inc-nope', 'closed', 10, null],
    ['the status it already has', 'X', 'open', 10, null],
    ['a change older than the last applied', 'X', 'acknowledged', 1, null],
    ['a newer change', 'X', 'acknowledged', 11, 'acknowledged'],
  ] as const)('applyStatus with %s', (_name, which, status, minute, expected) => {
    const b = new IncidentBuilder();
    const id = b.add(alert({ host: 'h1' })).incidentId;
    b.applyStatus(id, 'closed', at(5), 'alice');
    b.applyStatus(id, 'open', at(10), 'alice');
    const doc = b.applyStatus(which === 'X' ? id : which, status, at(minute), 'bob');
    expect(doc?.incident.status ?? null).toBe(expected);
  });

  it('refuses an unknown status or time with INCIDENT_STATUS', () => {
    const b = new IncidentBuilder();
    const id = b.add(alert({ host: 'h1' })).incidentId;
    expect(() => b.applyStatus(id, 'resolved' as never, at(1), 'x')).toThrow(expect.objectContaining({ code: 'INCIDENT_STATUS' }));
    expect(() => b.applyStatus(id, 'closed', 'yesterday', 'x')).toThrow(expect.objectContaining({ code: 'INCIDENT_STATUS' }));
  });
});

describe('ids and versions', () => {
  const alerts: A[] = [
    { rule: 'r1', host: 'h1', user: 'u1', n: 1 },
    { rule: 'r2', user: 'u1', at: 3, n: 2 },
    { rule: 'r1', host: 'h1', at: 90, n: 3 },
    { rule: 'r3', host: 'h9', at: 100, n: 4 },
    { rule: 'r3', host: 'h9', at: 400, n: 5 },
  ];

  it('are deterministic from the first alert group key and window start: recomputation gives the same ids', () => {
    const a = run(alerts);
    const b = run(alerts);
    expect(b.ids).toEqual(a.ids);
    expect(b.results.map((r) => r.document)).toEqual(a.results.map((r) => r.document));
    expect(a.ids[0]).toBe(`inc-${deterministicId('incident', 'host.name=h1', String(T0))}`);
    expect(a.ids[3]).toBe(`inc-${deterministicId('incident', 'host.name=h9', String(T0 + 100 * MIN))}`);
    expect(a.results[0]?.document?.incident.group).toEqual({ field: 'host.name', value: 'h1', window_start: '2025-03-01T10:00:00.000Z' });
  });

  it('the group key follows groupBy order', () => {
    const { ids } = run([{ host: 'h1', user: 'u1' }], { groupBy: ['user.name', 'host.name'] });
    expect(ids[0]).toBe(`inc-${deterministicId('incident', 'user.name=u1', String(T0))}`);
  });

  it('versions grow by one per change; updated_at never decreases', () => {
    const { results, b } = run([
      { host: 'h1', at: 10 },
      { rule: 'r2', host: 'h1', at: 0 }, // late
      { rule: 'r3', host: 'h1', at: 20 },
    ]);
    expect(results.map((r) => r.document?.incident.version)).toEqual([1, 2, 3]);
    expect(results.map((r) => r.document?.incident.updated_at)).toEqual([
      '2025-03-01T10:10:00.000Z',
      '2025-03-01T10:10:00.000Z',
      '2025-03-01T10:20:00.000Z',
    ]);
    const id = results[0]?.incidentId as string;
    expect(b.applyStatus(id, 'closed', '2025-03-01T11:00:00.000Z', 'x')?.incident).toMatchObject({
      version: 4,
      updated_at: '2025-03-01T11:00:00.000Z',
    });
  });
});

describe('the document', () => {
  it('keeps the shape playbooks, the ES sink and the demo read, and extends it', () => {
    const { results } = run([
      { rule: 'sudo', level: 'high', host: 'web-1', user: 'root', ip: '10.0.0.5', tags: ['attack.t1548.003'], techniques: ['T1548.003'] },
    ]);
    const doc = results[0]?.document as IncidentDocument;
    expect(doc).toMatchObject({
      '@timestamp': '2025-03-01T10:00:00.000Z',
      incident: {
        title: 'Rule sudo on web-1',
        severity: 'high',
        status: 'open',
        risk_score: 73,
        rule: { id: 'sudo', name: 'Rule sudo', level: 'high', tags: ['attack.t1548.003'] },
        threat: { technique: ['T1548.003'], tactic: [] },
        first_seen: '2025-03-01T10:00:00.000Z',
        last_seen: '2025-03-01T10:00:00.000Z',
        host: { name: 'web-1' },
        user: { name: 'root' },
        source: { ip: '10.0.0.5' },
        alert_count: 1,
        entities: { hosts: ['web-1'], users: ['root'], ips: ['10.0.0.5'] },
        version: 1,
      },
      vigil: { id: doc.incident.id, emitted_status: 'open' },
    });
    expect(doc.incident.alerts).toHaveLength(1);
    // The triggering event, without its raw line (kept in the events index).
    expect(doc.incident.event).toMatchObject({ host: { name: 'web-1' }, message: 'm' });
    expect(doc.incident.event.event?.original).toBeUndefined();
  });

  it('refuses an alert without @timestamp or rule.id with EVENT_INVALID, unchanged', () => {
    const b = new IncidentBuilder();
    const good = alert({ host: 'h1' });
    expect(() => b.add({ ...good, '@timestamp': 'not a time' })).toThrow(expect.objectContaining({ code: 'EVENT_INVALID' }));
    expect(() => b.add({ ...good, rule: {} })).toThrow(expect.objectContaining({ code: 'EVENT_INVALID' }));
    expect(b.stats().incidents).toBe(0);
  });

  it('reads the level from event.severity when vigil.alert.level is absent (correlation alerts)', () => {
    const b = new IncidentBuilder();
    const a = alert({ host: 'h1', level: 'low' });
    const { vigil: _v, ...rest } = a;
    const doc = b.add({
      ...rest,
      vigil: { id: 'corr-1', input: 'x', received_at: '', parse_status: 'ok' },
      event: { kind: 'alert', severity: 80 },
    }).document;
    expect(doc?.incident.severity).toBe('high');
    expect(doc?.incident.alerts).toEqual(['corr-1']);
  });
});

describe('memory: eviction', () => {
  it('evicts by watermark once the window and every suppression period are over, with tombstones', () => {
    const b = new IncidentBuilder({ windowMs: HOUR, suppressionMs: 2 * HOUR, latenessMs: 5 * MIN });
    const id = b.add(alert({ host: 'h1' })).incidentId;
    b.changes();
    expect(b.advance(T0 + 2 * HOUR + 4 * MIN)).toEqual([]); // suppression ends at 2 h, + 5 min lateness
    expect(b.advance(T0 + 2 * HOUR + 5 * MIN)).toEqual([id]);
    expect(b.changes()).toEqual([{ key: id, value: null }]);
    expect(b.stats()).toMatchObject({ incidents: 0, entities: 0, evictedExpired: 1 });
    // A repeat now opens a new incident.
    expect(b.add(alert({ host: 'h1', at: 126 })).outcome).toBe('created');
  });

  it('adding an alert advances event time and evicts what expired', () => {
    const b = new IncidentBuilder({ suppressionMs: 0, latenessMs: 0 });
    b.add(alert({ host: 'h1' }));
    b.add(alert({ host: 'h2', at: 61 }));
    expect(b.stats()).toMatchObject({ incidents: 1, evictedExpired: 1 });
  });

  it('evicts the least recently updated incident past maxIncidents', () => {
    const b = new IncidentBuilder({ maxIncidents: 2 });
    const [h1, h2] = [b.add(alert({ host: 'h1' })), b.add(alert({ host: 'h2', at: 1 }))].map((r) => r.incidentId);
    b.add(alert({ rule: 'r2', host: 'h1', at: 2 })); // h1 updated: h2 is now the least recent
    b.add(alert({ host: 'h3', at: 3 }));
    expect(b.ids()).toEqual([h1, expect.any(String)]);
    expect(b.ids()).not.toContain(h2);
    expect(b.stats()).toMatchObject({ incidents: 2, evictedOverflow: 1 });
  });
});

describe('snapshot and restore', () => {
  const script: A[] = [
    { rule: 'r1', level: 'low', host: 'h1', user: 'u1', tags: ['attack.t1110'], techniques: ['T1110'], tactics: ['credential-access'] },
    { rule: 'r2', level: 'high', user: 'u1', ip: '10.0.0.1', at: 3 },
    { rule: 'r1', level: 'low', host: 'h1', at: 70 },
    { rule: 'r3', host: 'h2', at: 80 },
    { rule: 'r4', level: 'critical', host: 'h2', ip: '10.0.0.1', at: 95 },
    { rule: 'r1', level: 'low', host: 'h1', user: 'u1', at: 200 },
    { rule: 'r5', host: 'h1', at: 210 },
    { rule: 'r3', host: 'h2', at: 500 },
    { rule: 'r6', user: 'u7', at: 900 },
  ].map((a, i) => ({ ...a, n: 1000 + i }));

  it.each([1, 3, 5, 7])('a builder restored after %i alerts continues exactly as the original', (k) => {
    const opts = { latenessMs: 0 };
    const original = new IncidentBuilder(opts);
    const outA: Array<IncidentDocument | null> = [];
    for (const a of script.slice(0, k)) outA.push(original.add(alert(a)).document);
    const snap = original.snapshot();
    // The snapshot is compact JSON, one record per incident.
    expect(snap.map((e) => e.key)).toEqual(original.ids());
    for (const e of snap) expect(JSON.parse(e.value as string).id).toBe(e.key);

    const restored = new IncidentBuilder(opts);
    expect(restored.restore(snap)).toEqual({ restored: snap.length, deleted: 0, errors: [] });
    original.applyStatus(original.ids()[0] as string, 'closed', '2025-03-01T12:00:00Z', 'alice');
    restored.applyStatus(restored.ids()[0] as string, 'closed', '2025-03-01T12:00:00Z', 'alice');
    for (const a of script.slice(k)) {
      const x = original.add(alert(a));
      const y = restored.add(alert(a));
      expect(y).toEqual(x);
    }
    expect(restored.snapshot()).toEqual(original.snapshot());
    expect(outA.length).toBe(k);
  });

  it('replaying the changelog (puts and tombstones) rebuilds the same state', () => {
    const b = new IncidentBuilder({ latenessMs: 0, maxIncidents: 3 });
    const log = [];
    for (const a of script) {
      b.add(alert(a));
      log.push(...b.changes());
    }
    expect(log.some((e) => e.value === null)).toBe(true);
    const c = new IncidentBuilder({ latenessMs: 0, maxIncidents: 3 });
    c.restore(log);
    expect(new Set(c.ids())).toEqual(new Set(b.ids()));
    for (const id of b.ids()) expect(c.get(id)).toEqual(b.get(id));
    expect(c.changes()).toEqual([]);
  });

  it('skips unreadable records with INCIDENT_STATE and restores the rest', () => {
    const b = new IncidentBuilder();
    b.add(alert({ host: 'h1' }));
    const [good] = b.snapshot();
    const wrongKey = { key: 'inc-other', value: good?.value as string };
    const bad = [
      { key: 'inc-x', value: 'not json' },
      { key: 'inc-y', value: JSON.stringify({ v: 2, id: 'inc-y' }) },
      wrongKey,
      { key: good?.key as string, value: JSON.stringify({ ...JSON.parse(good?.value as string), status: 'resolved' }) },
    ];
    const c = new IncidentBuilder();
    const r = c.restore([...bad, good as { key: string; value: string }]);
    expect(r.restored).toBe(1);
    expect(r.errors).toHaveLength(4);
    expect(r.errors.every((e) => isVigilError(e, 'INCIDENT_STATE'))).toBe(true);
    expect(c.ids()).toEqual([good?.key]);
  });
});

describe('batches', () => {
  const batch: A[] = [
    { rule: 'r1', host: 'h1', n: 1 },
    { rule: 'r2', host: 'h2', at: 1, n: 2 },
    { rule: 'r3', host: 'h1', at: 2, n: 3 },
    { rule: 'r1', host: 'h1', n: 1 }, // redelivered
  ];

  it('yields the latest document per changed incident, in the order of their last change, as add() would end', () => {
    const one = new IncidentBuilder();
    const single = batch.map((a) => one.add(alert(a)));
    const many = new IncidentBuilder();
    const r = many.addBatch(batch.map(alert));
    expect(r.outcomes).toEqual(['created', 'created', 'grouped', 'duplicate']);
    expect(r.rejected).toEqual([]);
    expect(r.documents.map((d) => [d.incident.id, d.incident.version])).toEqual([
      [single[1]?.incidentId, 1],
      [single[0]?.incidentId, 2],
    ]);
    expect(r.documents[1]).toEqual(single[2]?.document);
    expect(many.snapshot()).toEqual(one.snapshot());
  });

  it('reports invalid alerts by position and processes the others', () => {
    const b = new IncidentBuilder();
    const r = b.addBatch([alert({ host: 'h1' }), { '@timestamp': 'x' } as EcsEvent, alert({ rule: 'r2', host: 'h1', at: 1 })]);
    expect(r.outcomes).toEqual(['created', null, 'grouped']);
    expect(r.rejected.map((x) => [x.index, x.error.code])).toEqual([[1, 'EVENT_INVALID']]);
    expect(r.documents).toHaveLength(1);
  });
});

describe('very late alerts', () => {
  it('an alert older than every incident it could join still opens one of its own', () => {
    const b = new IncidentBuilder({ suppressionMs: 0, latenessMs: 5 * MIN });
    const first = b.add(alert({ rule: 'r1', host: 'h1', at: 0 }));
    b.add(alert({ rule: 'r2', host: 'h2', at: 120 })); // watermark: 115 min, h1 expired at 60
    const late = b.add(alert({ rule: 'r3', host: 'h1', at: 10 }));
    expect(late.outcome).toBe('created');
    expect(late.incidentId).not.toBe(first.incidentId);
    expect(late.document?.incident.first_seen).toBe('2025-03-01T10:10:00.000Z');
  });
});

describe('an entity shared by many incidents', () => {
  // Twelve incidents indexed under user u (a one-minute window keeps them apart, distinct rules
  // keep suppression out of it): more than the builder scans as a plain list.
  const opts: IncidentBuilderOptions = { windowMs: MIN, suppressionMs: 48 * HOUR };
  const many = Array.from({ length: 12 }, (_, k): A => ({ rule: `r${k}`, at: 2 * k, user: 'u', host: `h${k}`, n: 9000 + k }));

  it('a redelivery, a repeat and a new rule each find the incident the rules name among them', () => {
    const { b, ids } = run(many, opts);
    expect(new Set(ids).size).toBe(12);
    expect(b.add(alert({ rule: 'r0', at: 0, user: 'u', host: 'h0', n: 9000 })).outcome).toBe('duplicate');
    const repeat = b.add(alert({ rule: 'r3', at: 30, user: 'u', host: 'other', n: 9100 }));
    expect([repeat.outcome, repeat.incidentId]).toEqual(['suppressed', ids[3]]);
    const joins = b.add(alert({ rule: 'r-new', at: 22.5, user: 'u', host: 'other-2', n: 9101 }));
    expect([joins.outcome, joins.incidentId]).toEqual(['grouped', ids[11]]);
    // Incident 5 is reached through its host and through the shared user.
    const same = b.add(alert({ rule: 'r-other', at: 10.5, user: 'u', host: 'h5', ip: '10.0.0.5', n: 9102 }));
    expect([same.outcome, same.incidentId]).toEqual(['grouped', ids[5]]);
  });

  it('an alert no window holds opens an incident of its own', () => {
    const { b, ids } = run(many, opts);
    const alone = b.add(alert({ rule: 'r-late', at: 60, user: 'u', n: 9200 }));
    expect(alone.outcome).toBe('created');
    expect(ids).not.toContain(alone.incidentId);
  });
});
