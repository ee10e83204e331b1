import { describe, expect, it } from 'vitest';
import { metricsOf, metricsSearch } from './incident-metrics.js';
import { incidentQuery } from './incidents.js';

const query = incidentQuery({ limit: 0, offset: 0, from: '2026-01-01T00:00:00.000Z', severity: ['high'] });

describe('metricsSearch', () => {
  it('fetches no document and scores none: size 0, filters only, no script', () => {
    const body = metricsSearch({ size: 20, groupBy: 'rule' }, query);
    expect(body).toMatchObject({ size: 0, track_total_hits: true, query: { bool: { filter: expect.any(Array) } } });
    expect(Object.keys((body.query as { bool: object }).bool)).toEqual(['filter']);
    expect(JSON.stringify(body)).not.toMatch(/script|runtime_mappings|top_hits/);
  });

  it('reads the minutes of acknowledgement and resolution, per group when asked', () => {
    const plain = metricsSearch({ size: 20 }, query);
    expect(Object.keys(plain.aggs as object).sort()).toEqual([
      'incident.minutes_to_acknowledge.count',
      'incident.minutes_to_acknowledge.mean',
      'incident.minutes_to_acknowledge.pct',
      'incident.minutes_to_resolve.count',
      'incident.minutes_to_resolve.mean',
      'incident.minutes_to_resolve.pct',
    ]);
    const byAssignee = metricsSearch({ size: 5, groupBy: 'assignee' }, query).aggs as Record<string, Record<string, unknown>>;
    expect(byAssignee.groups?.terms).toMatchObject({ field: 'incident.assignee', size: 5 });
    expect(byAssignee.unassigned?.missing).toEqual({ field: 'incident.assignee' });
  });
});

describe('metricsOf', () => {
  it('gives null minutes where no incident has them, and rounds to a thousandth of a minute', () => {
    const res = {
      hits: { total: { value: 3 } },
      aggregations: {
        'incident.minutes_to_acknowledge.count': { value: 2 },
        'incident.minutes_to_acknowledge.mean': { value: 7.000000000001 },
        'incident.minutes_to_acknowledge.pct': {
          values: [
            { key: 50, value: 7 },
            { key: 90, value: 8.100000000000001 },
          ],
        },
        'incident.minutes_to_resolve.count': { value: 0 },
        'incident.minutes_to_resolve.mean': { value: null },
        'incident.minutes_to_resolve.pct': {
          values: [
            { key: 50, value: null },
            { key: 90, value: null },
          ],
        },
      },
    };
    expect(metricsOf(res, {})).toEqual({
      count: 3,
      acknowledged: 2,
      mtta: { mean: 7, median: 7, p90: 8.1 },
      resolved: 0,
      mttr: { mean: null, median: null, p90: null },
    });
  });
});
