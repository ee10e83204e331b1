/**
 * `vigil report reduction [--config vigil.yaml] [--since 24h] [--output table|json]`
 *
 * What each sink's routes did over a window: records and bytes in, out and dropped (by reason),
 * and the reduction, per sink and route. Read from the `vigil.sink-stats` topic the sink runner
 * writes each minute (sinks/routes/stats-topic.ts), not from a process's /metrics: counters
 * restart at zero with each process and cannot say what happened in the last 24 hours across
 * restarts or across several `--stage sink` processes.
 */
import { Bus } from '../../core/bus/index.js';
import { VigilError } from '../../core/errors/index.js';
import { emptyCounts, addCounts, readReduction, type RouteCounts } from '../../sinks/routes/index.js';
import { parseArgs } from '../args.js';
import { loadConfig } from '../config/schema.js';
import { terminalIo, type ToolIo } from '../io.js';

export const USAGE =
  'usage: vigil report reduction [--config FILE] [--since DURATION] [--output table|json]\n  DURATION: <n><s|m|h|d>, default 24h';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `90m`, `7d` → ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new VigilError('CLI_USAGE', `--since '${text}' is not a duration like 24h, 90m or 7d\n${USAGE}`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

export interface ReductionRow {
  sink: string;
  route: string;
  inEvents: number;
  inBytes: number;
  outEvents: number;
  outBytes: number;
  dropped: Record<string, number>;
  /** 1 − bytes out / bytes in (0 when nothing came in). */
  reduction: number;
}

/** One row per sink and route, then one `*` row per sink with its totals; sinks and routes in name order. */
export function reductionRows(stats: ReadonlyMap<string, ReadonlyMap<string, RouteCounts>>): ReductionRow[] {
  const rows: ReductionRow[] = [];
  const row = (sink: string, route: string, c: RouteCounts): ReductionRow => {
    // Records no route took were never "in" a route, but they came into the sink.
    const unrouted = c.dropped.unrouted ?? { events: 0, bytes: 0 };
    const inEvents = c.in.events + unrouted.events;
    const inBytes = c.in.bytes + unrouted.bytes;
    return {
      sink,
      route,
      inEvents,
      inBytes,
      outEvents: c.out.events,
      outBytes: c.out.bytes,
      dropped: Object.fromEntries(Object.entries(c.dropped).map(([r, d]) => [r, d.events])),
      reduction: inBytes > 0 ? 1 - c.out.bytes / inBytes : 0,
    };
  };
  for (const sink of [...stats.keys()].sort()) {
    const routes = stats.get(sink) as ReadonlyMap<string, RouteCounts>;
    const total = emptyCounts();
    for (const route of [...routes.keys()].sort()) {
      const c = routes.get(route) as RouteCounts;
      addCounts(total, c);
      rows.push(row(sink, route, c));
    }
    if (routes.size > 1) rows.push(row(sink, '*', total));
  }
  return rows;
}

const bytes = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
};

export function formatTable(rows: readonly ReductionRow[]): string[] {
  const head = ['SINK', 'ROUTE', 'EVENTS IN', 'EVENTS OUT', 'BYTES IN', 'BYTES OUT', 'REDUCTION', 'DROPPED'];
  const body = rows.map((r) => [
    r.sink,
    r.route,
    String(r.inEvents),
    String(r.outEvents),
    bytes(r.inBytes),
    bytes(r.outBytes),
    `${(r.reduction * 100).toFixed(1)}%`,
    Object.entries(r.dropped)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, n]) => `${reason}=${n}`)
      .join(' ') || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), ...body.map(line)];
}

export async function run(argv: string[], io: ToolIo = terminalIo): Promise<number> {
  const { flags, switches, positional } = parseArgs(argv, { flags: ['config', 'since', 'output'] as const, switches: ['help'] as const });
  if (switches.help) {
    io.out(USAGE);
    return 0;
  }
  if (positional[0] !== 'reduction' || positional.length > 1) throw new VigilError('CLI_USAGE', USAGE);
  const output = flags.output ?? 'table';
  if (output !== 'table' && output !== 'json') throw new VigilError('CLI_USAGE', `--output must be table or json\n${USAGE}`);
  const sinceMs = parseDuration(flags.since ?? '24h');
  const config = loadConfig(flags.config ?? 'vigil.yaml');
  const bus = new Bus(config.kafka, 'report');
  try {
    const now = io.now().getTime();
    const rows = reductionRows(await readReduction(bus, now - sinceMs, now + 1));
    if (output === 'json') {
      for (const r of rows) io.out(JSON.stringify(r));
      return 0;
    }
    if (rows.length === 0) {
      io.out(
        `no route statistics in the last ${flags.since ?? '24h'} (sinks write them to ${config.kafka.topicPrefix}vigil.sink-stats each minute)`,
      );
      return 0;
    }
    for (const l of formatTable(rows)) io.out(l);
    return 0;
  } finally {
    await bus.close();
  }
}
