/**
 * Every correlation type with events in order, out of order (within the allowed lateness of
 * 60 s) and late. Times are seconds after T0; a fired alert is [window start, end, count].
 */
import { describe, expect, it } from 'vitest';
import { correlation, engineFor, feed, windows, type In } from '../../test/support/correlation.js';

const doc = (body: string): string => `title: Test correlation\nid: corr\ncorrelation:\n${body.replace(/^/gm, '  ')}\n`;

type Row = [
  name: string,
  correlation: string,
  inputs: ReadonlyArray<In | { advance: number }>,
  fired: Array<[number, number, number]>,
  late?: number,
];

const EVENT_COUNT = doc('type: event_count\nrules: [a]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: { gte: 3 }');
const EVENT_COUNT_LT = doc('type: event_count\nrules: [a]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: { lt: 3 }');
const VALUE_COUNT = doc('type: value_count\nrules: [a]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: { field: user.name, gte: 3 }');
const TEMPORAL = doc('type: temporal\nrules: [a, b, c]\ngroup-by: [source.ip]\ntimespan: 1m');
const TEMPORAL_EXPR = doc("type: temporal\nrules: [a, b, c]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: 'a and (b or c)'");
const ORDERED = doc('type: temporal_ordered\nrules: [a, b]\ngroup-by: [source.ip]\ntimespan: 1m');
const SUM = doc('type: value_sum\nrules: [a]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: { field: http.bytes, gte: 100 }');
const AVG = doc('type: value_avg\nrules: [a]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: { field: http.bytes, gte: 50 }');
const P90 = doc(
  'type: value_percentile\nrules: [a]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: { field: http.bytes, percentile: 90, gte: 90 }',
);
const MEDIAN = doc('type: value_median\nrules: [a]\ngroup-by: [source.ip]\ntimespan: 1m\ncondition: { field: http.bytes, lte: 15 }');
const NEW_TERM = doc('type: new_term\nrules: [a]\ngroup-by: [host.name]\ntimespan: 1d\ncondition: { field: user.name }');
const NEW_TERM_LEARN = doc(
  'type: new_term\nrules: [a]\ngroup-by: [host.name]\ntimespan: 1d\nlearning: 1m\ncondition: { field: user.name }',
);
const FLATLINE = doc('type: flatline\nrules: [a]\ngroup-by: [host.name]\ntimespan: 1m\ncondition: { lt: 1 }');
const FLATLINE_3 = doc('type: flatline\nrules: [a]\ngroup-by: [host.name]\ntimespan: 1m\ncondition: { lt: 3 }');
const SPIKE_UP = doc('type: spike\nrules: [a]\ngroup-by: [host.name]\ntimespan: 1m\ncondition: { ratio: 3, min_current: 3 }');
const SPIKE_DOWN = doc('type: spike\nrules: [a]\ngroup-by: [host.name]\ntimespan: 1m\ncondition: { ratio: 2, direction: down }');

const a = (t: number, more: Partial<In> = {}): In => ({ r: 'a', t, ...more });
const b = (t: number, more: Partial<In> = {}): In => ({ r: 'b', t, ...more });
const c = (t: number, more: Partial<In> = {}): In => ({ r: 'c', t, ...more });

const rows: Row[] = [
  // event_count (eager: fires on the event that reaches the count)
  ['event_count in order', EVENT_COUNT, [a(0), a(10), a(20), a(25)], [[0, 20, 3]]],
  ['event_count: events further apart than the timespan do not count together', EVENT_COUNT, [a(0), a(50), a(70), a(80)], [[50, 80, 3]]],
  ['event_count out of order', EVENT_COUNT, [a(0), a(40), a(20)], [[0, 40, 3]]],
  ['event_count late event is refused, not counted', EVENT_COUNT, [a(100), a(30), a(41), a(42)], [[41, 100, 3]], 1],
  [
    'event_count ignores a redelivered event',
    EVENT_COUNT,
    [a(0, { id: 'x' }), a(10, { id: 'y' }), a(10, { id: 'y' }), a(20)],
    [[0, 20, 3]],
  ],
  [
    'event_count: an old event after an alert is absorbed by it',
    EVENT_COUNT,
    [a(0), a(10), a(20), a(15), a(30), a(40), a(50)],
    [
      [0, 20, 3],
      [30, 50, 3],
    ],
  ],
  [
    'event_count groups by source.ip',
    EVENT_COUNT,
    [a(0, { ip: '1' }), a(1, { ip: '2' }), a(2, { ip: '1' }), a(3, { ip: '2' }), a(4, { ip: '1' })],
    [[0, 4, 3]],
  ],
  ['event_count skips events without the group-by field', EVENT_COUNT, [a(0), a(1, { ip: null }), a(2, { ip: null }), a(3)], []],
  // event_count with an upper bound: decided when the window closes
  ['event_count lt in order', EVENT_COUNT_LT, [a(0), a(10), { advance: 61 }], [[0, 10, 2]]],
  ['event_count lt slides past a full window', EVENT_COUNT_LT, [a(0), a(10), a(20), { advance: 200 }], [[10, 20, 2]]],
  ['event_count lt out of order', EVENT_COUNT_LT, [a(10), a(0), { advance: 61 }], [[0, 10, 2]]],
  ['event_count lt waits for the watermark', EVENT_COUNT_LT, [a(0), a(10), { advance: 60 }], []],
  ['event_count lt late event', EVENT_COUNT_LT, [a(0), a(10), { advance: 61 }, a(5)], [[0, 10, 2]], 1],
  // value_count
  [
    'value_count in order',
    VALUE_COUNT,
    [a(0, { user: 'u1' }), a(5, { user: 'u1' }), a(10, { user: 'u2' }), a(20, { user: 'u3' })],
    [[0, 20, 4]],
  ],
  ['value_count out of order', VALUE_COUNT, [a(0, { user: 'u1' }), a(20, { user: 'u3' }), a(10, { user: 'u2' })], [[0, 20, 3]]],
  [
    'value_count: repeats of one value are not enough',
    VALUE_COUNT,
    [a(0, { user: 'u1' }), a(1, { user: 'u1' }), a(2, { user: 'u2' }), a(3, { user: 'u2' })],
    [],
  ],
  ['value_count late', VALUE_COUNT, [a(100, { user: 'u1' }), a(20, { user: 'u2' }), a(41, { user: 'u3' })], [], 1],
  ['value_count skips events without the field', VALUE_COUNT, [a(0, { user: 'u1' }), a(1), a(2, { user: 'u2' })], []],
  // temporal
  ['temporal in order', TEMPORAL, [a(0), c(10), b(20)], [[0, 20, 3]]],
  ['temporal out of order', TEMPORAL, [b(20), a(0), c(10)], [[0, 20, 3]]],
  ['temporal needs every rule', TEMPORAL, [a(0), a(10), b(20)], []],
  ['temporal needs them within the timespan', TEMPORAL, [a(0), b(30), c(61)], []],
  ['temporal within one group only', TEMPORAL, [a(0, { ip: '1' }), b(10, { ip: '2' }), c(20, { ip: '1' })], []],
  ['temporal late', TEMPORAL, [a(100), b(101), c(20)], [], 1],
  ['temporal expression a and (b or c)', TEMPORAL_EXPR, [b(0), c(5), a(10)], [[0, 10, 3]]],
  ['temporal expression needs a', TEMPORAL_EXPR, [b(0), c(5)], []],
  // temporal_ordered
  ['temporal_ordered in order', ORDERED, [b(0), a(10), b(20)], [[10, 20, 2]]],
  ['temporal_ordered out of order arrival, right event-time order', ORDERED, [b(20), a(10)], [[10, 20, 2]]],
  ['temporal_ordered wrong order does not fire', ORDERED, [b(0), a(10)], []],
  ['temporal_ordered events of equal time count in rule order', ORDERED, [b(5), a(5)], [[5, 5, 2]]],
  ['temporal_ordered beyond the timespan', ORDERED, [a(0), b(61)], []],
  ['temporal_ordered late', ORDERED, [a(100), b(150), a(30)], [[100, 150, 2]], 1],
  // value_sum / value_avg / value_percentile / value_median (decided when the window closes)
  ['value_sum in order', SUM, [a(0, { n: 60 }), a(10, { n: 50 }), { advance: 61 }], [[0, 10, 2]]],
  ['value_sum out of order', SUM, [a(10, { n: 50 }), a(0, { n: 60 }), { advance: 61 }], [[0, 10, 2]]],
  ['value_sum below the bound', SUM, [a(0, { n: 60 }), a(10, { n: 30 }), { advance: 200 }], []],
  ['value_sum late', SUM, [a(0, { n: 60 }), { advance: 61 }, a(30, { n: 50 })], [], 1],
  ['value_avg', AVG, [a(0, { n: 40 }), a(10, { n: 70 }), { advance: 61 }], [[0, 10, 2]]],
  ['value_avg slides', AVG, [a(0, { n: 40 }), a(10, { n: 50 }), { advance: 200 }], [[10, 10, 1]]],
  ['value_percentile', P90, [...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((n, i) => a(i, { n })), { advance: 100 }], [[0, 9, 10]]],
  ['value_median', MEDIAN, [a(0, { n: 10 }), a(1, { n: 12 }), a(2, { n: 30 }), { advance: 100 }], [[0, 2, 3]]],
  ['value_median above the bound', MEDIAN, [a(0, { n: 10 }), a(1, { n: 20 }), a(2, { n: 30 }), { advance: 100 }], []],
  // new_term
  [
    'new_term',
    NEW_TERM,
    [a(0, { user: 'u1' }), a(10, { user: 'u1' }), a(20, { user: 'u2' })],
    [
      [0, 0, 1],
      [20, 20, 1],
    ],
  ],
  ['new_term out of order: a value seen later is not new', NEW_TERM, [a(20, { user: 'u2' }), a(5, { user: 'u2' })], [[20, 20, 1]]],
  [
    'new_term per group',
    NEW_TERM,
    [a(0, { user: 'u1', host: 'h1' }), a(1, { user: 'u1', host: 'h2' })],
    [
      [0, 0, 1],
      [1, 1, 1],
    ],
  ],
  [
    'new_term after the history window',
    NEW_TERM,
    [a(0, { user: 'u1' }), { advance: 86_461 }, a(86_470, { user: 'u1' })],
    [
      [0, 0, 1],
      [86_470, 86_470, 1],
    ],
  ],
  ['new_term learning', NEW_TERM_LEARN, [a(0, { user: 'u1' }), a(30, { user: 'u2' }), a(61, { user: 'u3' })], [[61, 61, 1]]],
  ['new_term late', NEW_TERM, [a(100, { user: 'u1' }), a(10, { user: 'u2' })], [[100, 100, 1]], 1],
  // flatline (decided by the watermark)
  [
    'flatline: a host went silent',
    FLATLINE,
    [a(0, { host: 'h1' }), a(0, { host: 'h2' }), a(30, { host: 'h2' }), a(59, { host: 'h2' }), { advance: 61 }],
    [[0, 60, 0]],
  ],
  ['flatline waits for the watermark', FLATLINE, [a(0), { advance: 60 }], []],
  ['flatline lt 3: never healthy, never silent', FLATLINE_3, [a(0), a(10), { advance: 200 }], []],
  ['flatline lt 3 out of order', FLATLINE_3, [a(20), a(0), a(10), { advance: 61 }], [[0, 60, 2]]],
  ['flatline late', FLATLINE, [a(100), a(20)], [], 1],
  // spike (buckets of one timespan, aligned to the epoch; T0 is a whole minute)
  ['spike up fires when the ratio is reached', SPIKE_UP, [a(0), a(10), ...[60, 61, 62, 63, 64, 65, 66].map((t) => a(t))], [[60, 65, 6]]],
  ['spike up needs a reference', SPIKE_UP, [a(60), a(61), a(62), a(63)], []],
  [
    'spike up after the reference bucket closed',
    SPIKE_UP,
    [a(0), a(10), { advance: 70 }, ...[70, 71, 72, 73, 74, 75].map((t) => a(t))],
    [[60, 75, 6]],
  ],
  ['spike up out of order', SPIKE_UP, [a(60), a(30), a(61), a(40), a(62), a(63), a(64), a(65)], [[60, 65, 6]]],
  // Eager: decided on what has arrived. The late-arriving reference event cannot undo it (the id is the bucket's either way).
  ['spike up decided on what has arrived', SPIKE_UP, [a(60), a(61), a(30), a(62), a(40), a(63)], [[60, 62, 3]]],
  ['spike down at the bucket end', SPIKE_DOWN, [a(0), a(10), a(20), a(30), a(60), { advance: 120 }], [[60, 119.999, 1]]],
  ['spike down on silence', SPIKE_DOWN, [a(0), a(10), { advance: 120 }], [[60, 119.999, 0]]],
  ['spike late', SPIKE_UP, [a(200), a(100)], [], 1],
];

describe('correlation types', () => {
  it.each(rows)('%s', (_name, yaml, inputs, fired, late = 0) => {
    const engine = engineFor(correlation(yaml));
    const out = feed(engine, inputs);
    expect(windows(out)).toEqual(fired);
    expect(out.late).toHaveLength(late);
    for (const l of out.late) {
      expect(l.code).toBe('CORRELATION_LATE');
      expect(l.reason).toMatch(/behind the watermark/);
    }
  });

  it('counts events without the group-by field or the value field', () => {
    const engine = engineFor(correlation(VALUE_COUNT));
    feed(engine, [a(0, { ip: null, user: 'u' }), a(1, { user: undefined }), a(2, { user: 'u' })]);
    expect(engine.stats().correlations[0]).toMatchObject({ events: 3, missingGroupBy: 1, missingValue: 1, keys: 1 });
  });

  it('reports what a value_count alert saw', () => {
    const out = feed(engineFor(correlation(VALUE_COUNT)), [a(0, { user: 'u1' }), a(5, { user: 'u2' }), a(10, { user: 'u3' })]);
    const c = (out.fired[0]?.alert.vigil as unknown as { correlation: Record<string, unknown> }).correlation;
    expect(c).toMatchObject({ type: 'value_count', value: 3, values: ['u1', 'u2', 'u3'], group: { 'source.ip': '203.0.113.7' } });
  });

  it('reports the aggregate of a value_* alert', () => {
    const out = feed(engineFor(correlation(P90)), [
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((n, i) => a(i, { n })),
      { advance: 100 },
    ]);
    const c = (out.fired[0]?.alert.vigil as unknown as { correlation: Record<string, unknown> }).correlation;
    expect(c).toMatchObject({ aggregate: 'percentile', percentile: 90, field: 'http.bytes' });
    expect(c.value).toBeCloseTo(91);
  });

  it('forgets a silent host after its flatline alert (a tombstone for the changelog)', () => {
    const engine = engineFor(correlation(FLATLINE));
    const out = feed(engine, [a(0, { host: 'h1' }), { advance: 61 }]);
    expect(out.fired).toHaveLength(1);
    expect(out.stateChanges.at(-1)).toEqual({ key: 'corr|h1', value: null });
    expect(engine.stats().keys).toBe(0);
  });
});
