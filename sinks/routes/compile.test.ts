import { describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { isVigilError } from '../../core/errors/index.js';
import type { Parsed, SinkTopic } from '../runner/types.js';
import { compileRoutes } from './compile.js';
import type { RouteConfig } from './schema.js';

let offset = 0;
function parsed(doc: Record<string, unknown>, topic: SinkTopic = 'events'): Parsed {
  const value = Buffer.from(JSON.stringify(doc));
  const source: InRecord = {
    topic: `t.vigil.${topic}`,
    partition: 0,
    offset: String(offset++),
    key: null,
    value,
    headers: {},
    timestamp: 0,
  };
  return { topic, doc: JSON.parse(value.toString()) as Record<string, unknown>, source };
}

const auth = (outcome: string, user = 'root') => ({
  event: { category: ['authentication'], outcome },
  user: { name: user },
  host: { name: 'web-1' },
});
const route = (r: Partial<RouteConfig> & { name: string }): RouteConfig => r as RouteConfig;

describe('compiled routes', () => {
  it('send a record down the first route that takes it, and drop what none takes as unrouted', () => {
    const routes = compileRoutes(
      [
        route({ name: 'failures', match: { sel: { 'event.outcome': 'failure' }, condition: 'sel' }, keep: ['user.name'] }),
        route({ name: 'alerts', topics: ['alerts'] }),
      ],
      { sink: 'unit-first' },
    );
    const batch = routes.route([parsed(auth('failure')), parsed(auth('success')), parsed({ rule: { id: 'r1' } }, 'alerts')]);
    expect(batch.out.map((o) => [o.route, o.doc])).toEqual([
      ['failures', { user: { name: 'root' } }],
      ['alerts', { rule: { id: 'r1' } }],
    ]);
    batch.settle();
    const s = routes.stats.snapshot();
    expect(s.get('failures')?.in.events).toBe(1);
    expect(s.get('failures')?.out.events).toBe(1);
    expect(s.get('failures')?.out.bytes).toBe(Buffer.byteLength('{"user":{"name":"root"}}'));
    expect(s.get('(none)')?.dropped.unrouted?.events).toBe(1);
  });

  it('without routes, send everything whole as route default', () => {
    const routes = compileRoutes(undefined, { sink: 'unit-default' });
    const p = parsed(auth('success'));
    const b = routes.route([p]);
    expect(b.out.map((o) => ({ topic: o.topic, doc: o.doc, route: o.route, source: o.source, json: o.json }))).toEqual([
      { topic: 'events', doc: p.doc, route: 'default', source: p.source, json: p.source.value.toString() },
    ]);
  });

  it('count a batch only when it settles, so that a retried batch counts once', () => {
    const routes = compileRoutes([route({ name: 'all' })], { sink: 'unit-settle' });
    const recs = [parsed(auth('failure'))];
    routes.route(recs); // a first attempt that failed: never settled
    routes.route(recs).settle();
    expect(routes.stats.snapshot().get('all')?.in.events).toBe(1);
  });

  it('drop exact duplicates within the window, but not a duplicate of an attempt that never settled', () => {
    let now = 0;
    const routes = compileRoutes([route({ name: 'd', dedupe: { windowMs: 1000, maxEntries: 100 } })], {
      sink: 'unit-dedupe',
      now: () => now,
    });
    const failed = routes.route([parsed(auth('failure'))]); // not settled: not remembered
    expect(failed.out).toHaveLength(1);
    const first = routes.route([parsed(auth('failure')), parsed(auth('failure')), parsed(auth('failure', 'bob'))]);
    expect(first.out.map((o) => (o.doc.user as { name: string }).name)).toEqual(['root', 'bob']);
    first.settle();
    now = 500;
    expect(routes.route([parsed(auth('failure'))]).out).toHaveLength(0);
    now = 1500;
    expect(routes.route([parsed(auth('failure'))]).out).toHaveLength(1);
  });

  it('sample events by key but never alerts, and aggregate what the route rolls up', () => {
    const routes = compileRoutes(
      [
        route({
          name: 'fw',
          match: { sel: { 'event.action': 'allow' }, condition: 'sel' },
          aggregate: { by: ['source.ip'], intervalMs: 60_000, sum: ['network.bytes'] },
        }),
        route({ name: 'rest', sample: { rate: 1_000_000, key: 'host.name' } }),
      ],
      { sink: 'unit-agg' },
    );
    const fw = (ip: string, bytes: number) =>
      parsed({ '@timestamp': '2025-01-01T00:00:01Z', event: { action: 'allow' }, source: { ip }, network: { bytes } });
    const b = routes.route([
      fw('1.1.1.1', 10),
      fw('1.1.1.1', 5),
      fw('2.2.2.2', 1),
      parsed(auth('failure')),
      parsed(auth('failure'), 'alerts'),
    ]);
    const agg = b.out.filter((o) => o.route === 'fw').map((o) => o.doc.aggregate as { count: number; sum: Record<string, number> });
    expect(agg).toEqual([expect.objectContaining({ count: 2, sum: { 'network.bytes': 15 } }), expect.objectContaining({ count: 1 })]);
    const rest = b.out.filter((o) => o.route === 'rest');
    expect(rest.map((o) => o.topic)).toEqual(['alerts']); // the event was sampled out, the alert never is
    b.settle();
    const s = routes.stats.snapshot();
    expect(s.get('fw')?.dropped.aggregated?.events).toBe(3);
    expect(s.get('fw')?.out.events).toBe(2);
    expect(s.get('rest')?.dropped.sampled?.events).toBe(1);
  });

  it('refuse a route whose match does not compile, naming the sink and route', () => {
    let err: unknown;
    try {
      compileRoutes([route({ name: 'bad', match: { sel: { 'a|nosuchmodifier': 'x' }, condition: 'sel and missing' } })], {
        sink: 'unit-bad',
      });
    } catch (e) {
      err = e;
    }
    expect(isVigilError(err) && err.code).toBe('RULE_INVALID');
    expect(String((err as Error).message)).toContain('sinks[unit-bad].routes[0]');
  });
});
