/**
 * The engine around the types: suppression, chains, aliases, the key bound, partitions and
 * watermarks, the changelog (snapshot → restore behaves the same), deterministic alert ids.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledCorrelation } from './compile.js';
import { CorrelationEngine, parseUtc, type StateChange } from './engine.js';
import { splitKey } from './key.js';
import { runCorrelationsOffline } from './offline.js';
import { correlation, correlationSet, engineFor, event, feed, T0, windows, type In } from '../../test/support/correlation.js';

const a = (t: number, more: Partial<In> = {}): In => ({ r: 'a', t, ...more });
const b = (t: number, more: Partial<In> = {}): In => ({ r: 'b', t, ...more });

const COUNT2 = `title: Two a
id: two-a
name: two_a
correlation:
  type: event_count
  rules: [a]
  group-by: [source.ip]
  timespan: 1m
  condition: { gte: 2 }
level: high
tags: [attack.credential-access, attack.t1110]
`;

describe('suppression', () => {
  it('raises at most one alert per group per period', () => {
    const engine = engineFor(correlation(COUNT2.replace('condition: { gte: 2 }', 'condition: { gte: 2 }\n  suppress: 5m')));
    const out = feed(engine, [a(0), a(10), a(20), a(30), a(400), a(410), a(420, { ip: '10.0.0.1' }), a(421, { ip: '10.0.0.1' })]);
    expect(windows(out)).toEqual([
      [0, 10, 2],
      [400, 410, 2],
      [420, 421, 2],
    ]);
    expect(engine.stats().correlations[0]?.suppressed).toBe(1);
  });
});

describe('alerts', () => {
  it('are ECS alerts with the correlation, the group, the window and the events', () => {
    const out = feed(engineFor(correlation(COUNT2)), [a(0, { id: 'e1' }), a(10, { id: 'e2' })]);
    const alert = out.fired[0]!.alert;
    expect(alert).toMatchObject({
      '@timestamp': new Date(T0 + 10_000).toISOString(),
      event: { kind: 'alert', severity: 73, start: new Date(T0).toISOString(), end: new Date(T0 + 10_000).toISOString() },
      rule: { id: 'two-a', name: 'Two a', ruleset: 'sigma-correlation', category: 'event_count' },
      source: { ip: '203.0.113.7' },
      host: { name: 'web-01' },
      threat: { technique: { id: ['T1110'] }, tactic: { name: ['credential-access'] } },
      vigil: {
        alert: { level: 'high' },
        correlation: {
          id: 'two-a',
          name: 'two_a',
          key: 'two-a|203.0.113.7',
          group: { 'source.ip': '203.0.113.7' },
          count: 2,
          events: ['e1', 'e2'],
        },
      },
    });
    expect(alert.message).toBe('Two a: 2 events in 1m for source.ip=203.0.113.7');
    expect(out.fired[0]!.id).toBe(alert.vigil?.id);
  });

  it('caps the contributing event ids', () => {
    const corr = correlation(COUNT2.replace('gte: 2', 'gte: 30'));
    const out = feed(
      engineFor(corr, { maxAlertEventIds: 5 }),
      Array.from({ length: 30 }, (_, i) => a(i)),
    );
    expect(out.fired).toHaveLength(1);
    expect((out.fired[0]!.alert.vigil as unknown as { correlation: { events: string[]; count: number } }).correlation).toMatchObject({
      count: 30,
    });
    expect((out.fired[0]!.alert.vigil as unknown as { correlation: { events: string[] } }).correlation.events).toHaveLength(5);
  });

  it('have the same id when the same window is computed again (a replay, another instance)', () => {
    const inputs = [a(0, { id: 'x1' }), a(5, { id: 'x2' })];
    const one = feed(engineFor(correlation(COUNT2)), inputs);
    const two = new CorrelationEngine([correlation(COUNT2)]).process(
      { ruleId: 'rule-a', event: event(inputs[0]!), partitionKey: 7 },
      Date.now(),
    );
    const three = feed(engineFor(correlation(COUNT2)), inputs);
    expect(two.fired).toHaveLength(0);
    expect(one.fired[0]!.id).toBe(three.fired[0]!.id);
    expect(one.fired[0]!.alert['@timestamp']).toBe(three.fired[0]!.alert['@timestamp']);
  });
});

describe('group-by', () => {
  it('maps aliases per rule (Sigma field name aliases)', () => {
    const corr = correlation(`title: Error then connection
id: alias
correlation:
  type: temporal
  rules: [a, b]
  group-by: [internal_ip]
  timespan: 1m
  aliases:
    internal_ip:
      a: source.ip
      b: host.name
`);
    const engine = engineFor(corr);
    expect(engine.groupKeyOf('alias', event(a(0, { ip: '10.1.1.1' })), 'rule-a')).toBe('alias|10.1.1.1');
    expect(engine.groupKeyOf('alias', event(b(0, { host: '10.1.1.1' })), 'rule-b')).toBe('alias|10.1.1.1');
    const out = feed(engine, [a(0, { ip: '10.1.1.1' }), b(5, { host: '10.1.1.1', ip: '192.0.2.1' })]);
    expect(out.fired).toHaveLength(1);
    const c = (out.fired[0]!.alert.vigil as unknown as { correlation: { group: unknown } }).correlation;
    expect(c.group).toEqual({ internal_ip: '10.1.1.1' });
  });

  it('escapes | in group values so that keys split back', () => {
    const corr = correlation(COUNT2.replace('group-by: [source.ip]', 'group-by: [source.ip, user.name]'));
    const key = engineFor(corr).groupKeyOf('two-a', event(a(0, { ip: 'x|y', user: 'a\\b' })));
    expect(key).toBe('two-a|x\\|y|a\\\\b');
    expect(splitKey(key!)).toEqual(['two-a', 'x|y', 'a\\b']);
  });

  it('without group-by, every event is in one group', () => {
    const corr = correlation(COUNT2.replace('  group-by: [source.ip]\n', ''));
    const out = feed(engineFor(corr), [a(0, { ip: '1' }), a(1, { ip: '2' })]);
    expect(out.fired.map((f) => f.key)).toEqual(['two-a|']);
  });
});

describe('chains (a correlation of correlations)', () => {
  const CHAIN = `${COUNT2}---
title: Two a then b
id: chain
correlation:
  type: temporal_ordered
  rules: [two_a, b]
  group-by: [source.ip]
  timespan: 5m
level: critical
`;

  it('feed the inner alert to the outer correlation, which groups by its own fields', () => {
    const set = correlationSet(CHAIN);
    const [inner, outer] = set.correlations as [CompiledCorrelation, CompiledCorrelation];
    expect(inner.feeds).toEqual(['chain']);
    expect(inner.emit).toBe(false);
    expect(outer.emit).toBe(true);
    expect([...set.silenced].sort()).toEqual(['rule-a', 'rule-b', 'two-a']);
    const events = [a(0), a(10), b(20), b(30, { ip: '10.9.9.9' })].map(event);
    const result = runCorrelationsOffline(set, events);
    expect(result.alerts.map((x) => [x.correlationId, x.emit])).toEqual([
      ['two-a', false],
      ['chain', true],
    ]);
    const c = (result.alerts[1]!.alert.vigil as unknown as { correlation: Record<string, unknown> }).correlation;
    expect(c).toMatchObject({
      rules: ['two-a', 'rule-b'],
      window: { start: new Date(T0 + 10_000).toISOString(), end: new Date(T0 + 20_000).toISOString() },
    });
  });

  it('take an inner alert that arrives after the partner event (out of order on the bus)', () => {
    const set = correlationSet(CHAIN);
    const engine = new CorrelationEngine(set.correlations);
    const first = feed(engine, [a(0), a(10)]);
    expect(first.fired).toHaveLength(1);
    feed(engine, [b(20), a(200, { ip: '10.0.0.2' })]);
    // The inner alert (time 10 s) comes back after the watermark passed it: a derived input is never late.
    const out = engine.process({ ruleId: 'two-a', event: first.fired[0]!.alert, partitionKey: 0 }, T0);
    expect(out.late).toHaveLength(0);
    expect(out.fired.map((f) => f.correlationId)).toEqual(['chain']);
  });

  it('a generate list keeps the named correlation an alert of its own', () => {
    const set = correlationSet(CHAIN.replace('timespan: 5m\n', 'timespan: 5m\n  generate: [two_a]\n'));
    expect(set.correlations.find((c) => c.id === 'two-a')?.emit).toBe(true);
    expect([...set.silenced].sort()).toEqual(['rule-a', 'rule-b']);
  });
});

describe('partitions and watermarks', () => {
  it('keep one watermark per partition', () => {
    const engine = engineFor(correlation(COUNT2));
    const out = feed(engine, [a(1000, { part: 1 }), a(0, { part: 0 }), a(5, { part: 0 }), a(10, { part: 1 })]);
    expect(out.fired).toHaveLength(1);
    expect(out.late.map((l) => l.partitionKey)).toEqual(['1']);
    expect(engine.watermark(1)).toBe(T0 + 940_000);
  });

  it('refuses an event without a valid @timestamp', () => {
    const engine = engineFor(correlation(COUNT2));
    const out = engine.process({ ruleId: 'rule-a', event: { ...event(a(0)), '@timestamp': 'yesterday' }, partitionKey: 0 });
    expect(out.late).toMatchObject([{ code: 'EVENT_INVALID' }]);
  });

  it('processes only the correlation named in the input', () => {
    const set = correlationSet(`${COUNT2}---\n${COUNT2.replace('id: two-a', 'id: two-a-bis').replace('name: two_a', 'name: two_a_bis')}`);
    const engine = new CorrelationEngine(set.correlations);
    expect(engine.correlationsFor('rule-a')).toEqual(['two-a', 'two-a-bis']);
    for (const t of [0, 1]) engine.process({ ruleId: 'rule-a', event: event(a(t)), partitionKey: 0, correlationId: 'two-a-bis' }, T0);
    expect(engine.stats().correlations.map((c) => c.fired)).toEqual([0, 1]);
  });

  it('dropPartition forgets the partition state', () => {
    const engine = engineFor(correlation(COUNT2));
    feed(engine, [a(0, { part: 3 }), a(0, { part: 4, ip: '1' })]);
    engine.dropPartition(3);
    expect(engine.stats().keys).toBe(1);
    expect(engine.stats().correlations[0]?.keys).toBe(1);
  });
});

describe('key bound', () => {
  it('drops events of new groups beyond the bound, counts them, and raises one alert', () => {
    const engine = engineFor(correlation(COUNT2), { maxKeysPerCorrelation: 2 });
    const out = feed(engine, [a(0, { ip: '1' }), a(1, { ip: '2' }), a(2, { ip: '3' }), a(3, { ip: '4' }), a(4, { ip: '1' })]);
    expect(out.fired.map((f) => f.kind)).toEqual(['state_limit', 'correlation']);
    expect(out.fired[0]!.alert).toMatchObject({
      event: { kind: 'alert', reason: 'state limit reached' },
      rule: { id: 'two-a:state-limit' },
    });
    expect(engine.stats().correlations[0]).toMatchObject({ keys: 2, stateLimited: 2 });
  });
});

describe('changelog', () => {
  /** Runs inputs through an engine, checkpoints it, restores a second engine, and runs the rest through both. */
  function restartAt(
    corrs: readonly CompiledCorrelation[],
    first: ReadonlyArray<In | { advance: number }>,
    rest: ReadonlyArray<In | { advance: number }>,
  ) {
    const live = new CorrelationEngine(corrs);
    feed(live, first);
    const restored = new CorrelationEngine(corrs);
    for (const { key, value } of JSON.parse(JSON.stringify(live.snapshotAll())) as StateChange[])
      expect(restored.restore(key, value, 0)).toBe(true);
    // Both engines see the very same events (ids included).
    const same = rest.map((i, k) => ('advance' in i ? i : { ...i, id: i.id ?? `rest-${k}` }));
    const a1 = feed(live, same);
    const a2 = feed(restored, same);
    return [a1, a2] as const;
  }

  const TYPES: Array<[string, string, Array<In | { advance: number }>, Array<In | { advance: number }>]> = [
    ['event_count', COUNT2.replace('gte: 2', 'gte: 3'), [a(0), a(10)], [a(15), a(20), a(30), a(31), a(32)]],
    [
      'value_count',
      COUNT2.replace('event_count', 'value_count').replace('{ gte: 2 }', '{ field: user.name, gte: 3 }'),
      [a(0, { user: 'u1' }), a(1, { user: 'u2' })],
      [a(2, { user: 'u2' }), a(3, { user: 'u3' })],
    ],
    [
      'temporal_ordered',
      COUNT2.replace('event_count', 'temporal_ordered').replace('rules: [a]', 'rules: [a, b]').replace('  condition: { gte: 2 }\n', ''),
      [a(0)],
      [b(10), a(20), b(30)],
    ],
    [
      'value_avg',
      COUNT2.replace('event_count', 'value_avg').replace('{ gte: 2 }', '{ field: http.bytes, gt: 10 }'),
      [a(0, { n: 5 }), a(10, { n: 30 })],
      [a(20, { n: 1 }), { advance: 200 }],
    ],
    [
      'new_term',
      COUNT2.replace('event_count', 'new_term').replace('{ gte: 2 }', '{ field: user.name }'),
      [a(0, { user: 'u1' })],
      [a(5, { user: 'u1' }), a(6, { user: 'u2' })],
    ],
    ['flatline', COUNT2.replace('event_count', 'flatline').replace('{ gte: 2 }', '{ lt: 2 }'), [a(0), a(10)], [{ advance: 71 }]],
    [
      'spike',
      COUNT2.replace('event_count', 'spike').replace('{ gte: 2 }', '{ ratio: 2, direction: both }'),
      [a(0), a(10)],
      [a(60), a(61), a(62), a(63), { advance: 300 }],
    ],
    ['suppressed event_count', COUNT2.replace('{ gte: 2 }', '{ gte: 2 }\n  suppress: 1h'), [a(0), a(1)], [a(2), a(3), a(4000), a(4001)]],
  ];

  it.each(TYPES)('%s: a restored engine behaves as the one that never stopped', (_type, yaml, first, rest) => {
    const [live, restored] = restartAt([correlation(yaml)], first, rest);
    expect(live.fired.length).toBeGreaterThan(0);
    expect(restored.fired.map((f) => f.id)).toEqual(live.fired.map((f) => f.id));
    expect(windows(restored)).toEqual(windows(live));
    expect(restored.stateChanges).toEqual(live.stateChanges);
  });

  it('reprocessing a batch after a restart raises nothing twice', () => {
    const corr = correlation(COUNT2.replace('gte: 2', 'gte: 3'));
    const batch = [a(0, { id: 'k1' }), a(1, { id: 'k2' }), a(2, { id: 'k3' }), a(3, { id: 'k4' })];
    const live = new CorrelationEngine([corr]);
    const before = feed(live, batch);
    expect(before.fired).toHaveLength(1);
    // The changelog was written, but the offsets were not committed: the batch comes again.
    const restored = new CorrelationEngine([corr]);
    for (const { key, value } of before.stateChanges) restored.restore(key, value, 0);
    const again = feed(restored, [...batch, a(4, { id: 'k5' }), a(5, { id: 'k6' })]);
    expect(windows(again)).toEqual([[3, 5, 3]]);
    expect(restored.stats().correlations[0]).toMatchObject({ absorbed: 3, duplicates: 1 });
  });

  it('rolls a failed batch back: restoring its keys to their values before it, then running it again, gives the same result', () => {
    const corr = correlation(COUNT2.replace('gte: 2', 'gte: 3'));
    const engine = new CorrelationEngine([corr]);
    feed(engine, [a(0, { id: 'p1' }), a(1, { id: 'p2', ip: '1' })]);
    const store = new Map(engine.snapshotAll().map((c) => [c.key, c.value]));
    const batch = [a(2, { id: 'b1' }), a(3, { id: 'b2' }), a(4, { id: 'b3', ip: '1' }), a(90, { id: 'b4', ip: '2' })];
    const first = feed(engine, batch);
    // The transaction failed: nothing of the batch was written. Put every changed key back.
    for (const { key } of first.stateChanges) engine.restore(key, store.get(key) ?? null, 0);
    const second = feed(engine, batch);
    expect(second.fired.map((f) => f.id)).toEqual(first.fired.map((f) => f.id));
    expect(second.stateChanges).toEqual(first.stateChanges);
    expect(first.fired).toHaveLength(1);
  });

  it('restores the watermark, so a late event stays late after a restart', () => {
    const corr = correlation(COUNT2);
    const live = new CorrelationEngine([corr]);
    const out = feed(live, [a(0), a(500)]);
    const wm = out.stateChanges.filter((c) => c.key === '@@watermark|0').at(-1);
    expect(wm?.value).toEqual({ v: 1, wm: T0 + 500_000 });
    const restored = new CorrelationEngine([corr]);
    restored.restore(wm!.key, wm!.value, 0);
    expect(feed(restored, [a(100)]).late).toHaveLength(1);
  });

  it('deferred mode reports each changed key once per drain', () => {
    const engine = new CorrelationEngine([correlation(COUNT2.replace('gte: 2', 'gte: 5'))], { changelog: 'deferred' });
    const out = feed(engine, [a(0), a(1), a(2, { ip: '1' }), a(3)]);
    expect(out.stateChanges).toEqual([]);
    const drained = engine.drainChanges();
    expect(drained.map((c) => c.key).sort()).toEqual(['@@watermark|0', 'two-a|1', 'two-a|203.0.113.7']);
    expect(engine.drainChanges()).toEqual([]);
  });

  it('skips a snapshot of another type (the rule changed) or of an unknown correlation', () => {
    const engine = new CorrelationEngine([correlation(COUNT2)]);
    expect(engine.restore('two-a|1', { v: 1, type: 'new_term', d: { s: 0, v: [] } }, 0)).toBe(false);
    expect(engine.restore('gone|1', { v: 1, type: 'event_count', d: { b: 0, t: [], i: [] } }, 0)).toBe(false);
    expect(engine.stats().discardedSnapshots).toBe(2);
  });

  it('writes tombstones when windows expire', () => {
    const engine = engineFor(correlation(COUNT2));
    const out = feed(engine, [a(0, { ip: '1' }), a(200)]);
    expect(out.stateChanges).toContainEqual({ key: 'two-a|1', value: null });
    expect(engine.stats().correlations[0]?.keys).toBe(1);
  });
});

describe('event time', () => {
  it.each([
    '2026-11-22T10:15:02.123Z',
    '2026-11-22T10:15:02Z',
    '2026-11-22T10:15:02.1Z',
    '2026-11-22T10:15:02.123456789Z',
    '2024-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-11-22T24:00:00.000Z',
    '2026-11-22T10:15:02.Z',
    '2026-11-22T10:15:0x.000Z',
    '2026-11-22T10:15:02.000+02:00',
    '2026-11-22 10:15:02Z',
    'Sun, 22 Nov 2026 10:15:02 GMT',
  ])('reads %s as Date.parse does', (text) => {
    expect(parseUtc(text)).toBe(Date.parse(text));
  });
});
