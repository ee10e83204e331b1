import { describe, expect, it } from 'vitest';
import type { RouteCounts } from '../../sinks/routes/index.js';
import { formatTable, parseDuration, reductionRows } from './report.js';

const counts = (inE: number, inB: number, outE: number, outB: number, dropped: RouteCounts['dropped'] = {}): RouteCounts => ({
  in: { events: inE, bytes: inB },
  out: { events: outE, bytes: outB },
  dropped,
});

describe('vigil report reduction', () => {
  it('parses durations and refuses what is not one', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(() => parseDuration('1 day')).toThrow(/not a duration/);
    expect(() => parseDuration('0h')).toThrow(/not a duration/);
  });

  it('gives one row per route and a total per sink, counting unrouted records as come in', () => {
    const rows = reductionRows(
      new Map([
        [
          'splunk',
          new Map([
            ['auth', counts(100, 10_000, 10, 1_000, { sampled: { events: 90, bytes: 9_000 } })],
            ['(none)', counts(0, 0, 0, 0, { unrouted: { events: 50, bytes: 5_000 } })],
          ]),
        ],
        ['archive', new Map([['default', counts(10, 100, 10, 100)]])],
      ]),
    );
    expect(rows.map((r) => [r.sink, r.route, r.inEvents, r.outEvents, r.reduction])).toEqual([
      ['archive', 'default', 10, 10, 0],
      ['splunk', '(none)', 50, 0, 1],
      ['splunk', 'auth', 100, 10, 0.9],
      ['splunk', '*', 150, 10, 1 - 1000 / 15_000],
    ]);
    const table = formatTable(rows);
    expect(table[0]).toMatch(/^SINK\s+ROUTE\s+EVENTS IN\s+EVENTS OUT\s+BYTES IN\s+BYTES OUT\s+REDUCTION\s+DROPPED$/);
    expect(table[3]).toMatch(/^splunk\s+auth\s+100\s+10\s+9\.8 KiB\s+1000 B\s+90\.0%\s+sampled=90$/);
  });
});
