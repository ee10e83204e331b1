/**
 * What bench/cluster-scale prints from its samples: rates, lag per group over time and whether
 * it stayed bounded, CPU per process, the fault's dip and recovery, and delivery.
 */
import { availableParallelism } from 'node:os';
import { slope } from './capacity-probe.js';
import type { GroupOffsets } from './cluster-scale-probe.js';

export interface Sample {
  /** Seconds since the measured window began (negative in the warm-up). */
  t: number;
  written: number;
  behind: number;
  /** Sum of the end offsets of `vigil.events`; undefined when the cluster did not answer in time. */
  eventsEnd: number | undefined;
  /** Per group (prefix removed): records behind, and the sum of its committed offsets. */
  groups: Map<string, GroupOffsets> | undefined;
  /** Now minus the newest event's `@timestamp` in Elasticsearch, in seconds (1 s resolution: syslog times). */
  staleS: number | undefined;
  cpu: Map<string, number>;
}

/** When the fault happened, in seconds of the measured window. */
export interface FaultTimes {
  node?: number;
  leads?: Record<number, number>;
  killT?: number;
  /** When the node was started again, and when it served again (`backMs` later). */
  startT?: number;
  restartT?: number;
  backMs?: number;
  inSyncT?: number;
}

const fmt = (n: number, d = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—';

export const totalLag = (s: Sample): number | undefined => (s.groups ? [...s.groups.values()].reduce((n, g) => n + g.lag, 0) : undefined);

/** Times (s) after a fault: first sample above `level`, first back at or below it after that, and back for good. */
export interface Recovery {
  firstAbove?: number;
  firstBack?: number;
  /** The sample after the last one above the level; undefined when the last sample is above it. */
  stableBack?: number;
}

/** Where the `lag` of the samples after `since` went above `level` and came back; an unanswered sample counts as above. */
export function recovery(samples: readonly Sample[], lag: (s: Sample) => number | undefined, level: number, since: number): Recovery {
  const after = samples.filter((s) => s.t > since);
  const above = (s: Sample) => (lag(s) ?? Infinity) > level;
  const i = after.findIndex(above);
  if (i < 0) return {};
  const back = after.slice(i).find((s) => !above(s));
  let last = after.length - 1;
  while (!above(after[last]!)) last--;
  return { firstAbove: after[i]!.t, firstBack: back?.t, stableBack: after[last + 1]?.t };
}

export interface Outcome {
  /** The target rate, lines/s, and the seconds between samples. */
  rate: number;
  sampleS: number;
  /** From the first measured sample on; the last one taken under load is `loadEnd`. */
  samples: Sample[];
  loadEnd: Sample;
  fault: FaultTimes;
  /** Seconds the load was held past `--seconds` for the lag to recover. */
  extendedS: number;
  sent: number;
  inEs: number;
  drainS: number;
  deadLetters: number;
  eventRecords: number;
  /** The highest total lag before the fault: the level the lag must come back to. */
  preFaultMax: number;
}

/** Per-second rates between consecutive samples that both answered: of `vigil.events` and of each group. */
function rates(samples: Sample[]): Array<{ t: number; sent: number; events?: number; groups: Map<string, number> }> {
  const out: Array<{ t: number; sent: number; events?: number; groups: Map<string, number> }> = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = b.t - a.t;
    const groups = new Map<string, number>();
    if (a.groups && b.groups)
      for (const [g, v] of b.groups) {
        const before = a.groups.get(g);
        if (before) groups.set(g, (v.committed - before.committed) / dt);
      }
    out.push({
      t: b.t,
      sent: (b.written - a.written) / dt,
      ...(a.eventsEnd !== undefined && b.eventsEnd !== undefined ? { events: (b.eventsEnd - a.eventsEnd) / dt } : {}),
      groups,
    });
  }
  return out;
}

export function printReport(o: Outcome): void {
  const { samples, loadEnd, fault, rate: RATE, sampleS: SAMPLE_S } = o;
  const first = samples[0]!;
  const dur = loadEnd.t - first.t;
  const r = rates(samples.filter((s) => s.t <= loadEnd.t));
  const groups = [...new Set(samples.flatMap((s) => [...(s.groups?.keys() ?? [])]))].sort();
  const sinkGroup = groups.find((g) => g.startsWith('sink')) ?? groups.at(-1) ?? '';
  const killT = fault.killT ?? Infinity;

  console.log(
    `\n== load: ${fmt(loadEnd.t - first.t)} s measured${o.extendedS > 0 ? ` (held ${fmt(o.extendedS)} s past --seconds for recovery)` : ''}`,
  );
  console.log(
    `  sender: ${fmt((loadEnd.written - first.written) / dur)} lines/s written (target ${fmt(RATE)}), ${fmt(loadEnd.behind - first.behind)} not written (ingest pushed back)`,
  );
  const steady = r.filter((x) => x.t <= killT);
  const mean = (xs: Array<number | undefined>) => {
    const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
    return v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
  };
  console.log(
    `  achieved${fault.killT !== undefined ? ' before the fault' : ''}: ${fmt(mean(steady.map((x) => x.events)))} events/s into vigil.events, ${fmt(mean(steady.map((x) => x.groups.get(sinkGroup))))} records/s committed by ${sinkGroup}`,
  );

  const allowance = Math.max(1000, RATE * 2);
  const measured = samples.filter((s) => s.t <= loadEnd.t);
  const third = measured.filter((s) => s.t >= loadEnd.t - dur / 3 && s.groups);
  console.log(`  consumer lag (records; bounded: growth over the last third ≤ ${fmt(allowance)}):`);
  for (const g of groups) {
    const series = measured.map((s) => s.groups?.get(g)?.lag);
    const known = series.filter((x): x is number => x !== undefined);
    const growth = slope(third.map((s) => [s.t, s.groups!.get(g)?.lag ?? 0] as const)) * (dur / 3);
    console.log(
      `    ${g.padEnd(34)} max ${fmt(Math.max(0, ...known)).padStart(9)}  end ${fmt(known.at(-1) ?? NaN).padStart(9)}  last-third growth ${fmt(growth).padStart(9)}  ${growth <= allowance ? 'bounded' : 'NOT BOUNDED'}`,
    );
  }

  const every = Math.max(1, Math.ceil(measured.length / 40));
  const key = (i: number) => `lag ${String.fromCharCode(97 + i)}`;
  console.log(`\n  over time (every ${fmt(every * SAMPLE_S)} s; — = the cluster or Elasticsearch did not answer within the sample):`);
  console.log(
    `    sent/s: lines the sender wrote; events/s: records into vigil.events; sink/s: offsets ${sinkGroup} committed (all its topics); ` +
      `ES age: now − newest @timestamp in Elasticsearch; ${groups.map((g, i) => `${key(i)}: ${g}`).join(', ')}`,
  );
  console.log(
    `    ${'t s'.padStart(6)} ${'sent/s'.padStart(8)} ${'events/s'.padStart(9)} ${'sink/s'.padStart(8)} ${'lag total'.padStart(10)}  ${groups.map((_, i) => key(i).padStart(9)).join(' ')}  ES age s`,
  );
  for (let i = 0; i < measured.length; i += every) {
    const s = measured[i]!;
    const x = r.find((y) => y.t === s.t);
    const mark =
      fault.killT !== undefined && s.t > fault.killT && (fault.restartT === undefined || s.t - SAMPLE_S < fault.restartT)
        ? '  ← broker down in this interval'
        : '';
    console.log(
      `    ${fmt(s.t).padStart(6)} ${fmt(x?.sent ?? NaN).padStart(8)} ${fmt(x?.events ?? NaN).padStart(9)} ${fmt(x?.groups.get(sinkGroup) ?? NaN).padStart(8)} ${fmt(totalLag(s) ?? NaN).padStart(10)}  ${groups
        .map((g) => fmt(s.groups?.get(g)?.lag ?? NaN).padStart(9))
        .join(' ')}  ${fmt(s.staleS ?? NaN, 1).padStart(8)}${mark}`,
    );
  }

  // CPU over the steady window (before any fault: a killed node's CPU goes with it).
  const cpuEnd = [...measured].reverse().find((s) => s.t <= killT) ?? loadEnd;
  const cpuDur = cpuEnd.t - first.t;
  if (cpuDur > 0) {
    console.log(`\n  CPU in cores over ${fmt(cpuDur)} s${fault.killT !== undefined ? ' before the fault' : ''}:`);
    let known = 0;
    for (const [k, v] of cpuEnd.cpu) {
      if (k === 'machine busy') continue;
      const cores = (v - (first.cpu.get(k) ?? 0)) / cpuDur;
      if (Number.isFinite(cores)) known += cores;
      console.log(`    ${k.padEnd(24)} ${fmt(cores, 2).padStart(6)}`);
    }
    const busy = ((cpuEnd.cpu.get('machine busy') ?? 0) - (first.cpu.get('machine busy') ?? 0)) / cpuDur;
    console.log(
      `    ${'rest of machine'.padEnd(24)} ${fmt(busy - known, 2).padStart(6)}   (machine busy ${fmt(busy, 2)} of ${availableParallelism()})`,
    );
  }

  if (fault.killT !== undefined) {
    console.log(`\n== fault: SIGKILL of node ${fault.node} (partitions led: ${JSON.stringify(fault.leads)}) at ${fmt(fault.killT, 1)} s`);
    console.log(
      `  started again at ${fmt(fault.startT ?? NaN, 1)} s, serving at ${fmt(fault.restartT ?? NaN, 1)} s (${fmt((fault.backMs ?? NaN) / 1000, 1)} s to start), all replicas in sync at ${fmt(fault.inSyncT ?? NaN, 1)} s`,
    );
    const pre = r.filter((x) => x.t <= fault.killT!);
    const after = r.filter((x) => x.t > fault.killT!);
    for (const [what, get] of [
      ['into vigil.events', (x: (typeof r)[number]) => x.events],
      [`committed by ${sinkGroup}`, (x: (typeof r)[number]) => x.groups.get(sinkGroup)],
    ] as const) {
      const base = mean(pre.map(get));
      const known = after.map((x) => [x.t, get(x)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined);
      const low = known.reduce((m, p) => (p[1] < m[1] ? p : m), [NaN, Infinity] as readonly [number, number]);
      const gaps = after.filter((x) => get(x) === undefined).length;
      console.log(
        `  ${what}: ${fmt(base)}/s before; lowest ${fmt(low[1])}/s (${fmt((low[1] / base) * 100)}%) at ${fmt(low[0])} s${gaps ? `, ${gaps} sample(s) unanswered` : ''}`,
      );
    }
    const total = recovery(
      samples.filter((s) => s.t <= loadEnd.t),
      totalLag,
      o.preFaultMax,
      fault.killT,
    );
    const peak = Math.max(0, ...samples.filter((s) => s.t >= fault.killT! && s.t <= loadEnd.t).map((s) => totalLag(s) ?? 0));
    console.log(
      `  total lag: at most ${fmt(o.preFaultMax)} before the kill, peak ${fmt(peak)} after it (${fmt(peak / RATE, 1)} s of traffic)`,
    );
    const line = (r: Recovery) =>
      r.firstAbove === undefined
        ? 'never above it after the kill'
        : r.firstBack === undefined
          ? 'NOT back at it while the load was held'
          : `back at it ${fmt(r.firstBack - fault.killT!, 1)} s after the kill` +
            (r.stableBack !== undefined && r.stableBack > r.firstBack
              ? `, for good ${fmt(r.stableBack - fault.killT!, 1)} s after it (above it again around the restart)`
              : r.stableBack === undefined
                ? ', above it again at the end'
                : '');
    console.log(`  recovery (±${SAMPLE_S} s; an unanswered sample counts as above the level):`);
    console.log(`    ${'all groups'.padEnd(34)} pre-fault max ${fmt(o.preFaultMax).padStart(9)}: ${line(total)}`);
    for (const g of groups) {
      const lag = (s: Sample) => s.groups?.get(g)?.lag;
      const lvl = Math.max(0, ...samples.filter((s) => s.t < fault.killT!).map((s) => lag(s) ?? 0));
      console.log(
        `    ${g.padEnd(34)} pre-fault max ${fmt(lvl).padStart(9)}: ${line(
          recovery(
            samples.filter((s) => s.t <= loadEnd.t),
            lag,
            lvl,
            fault.killT,
          ),
        )}`,
      );
    }
    const ages = samples.filter((s) => s.t >= fault.killT! && s.t <= loadEnd.t).map((s) => s.staleS ?? NaN);
    const preAges = samples.filter((s) => s.t < fault.killT!).map((s) => s.staleS ?? NaN);
    console.log(
      `  Elasticsearch freshness (now − newest event): ${fmt(Math.max(...preAges.filter(Number.isFinite)), 1)} s at most before, ${fmt(Math.max(...ages.filter(Number.isFinite)), 1)} s at most after the kill`,
    );
  }

  const lost = o.sent - o.inEs;
  console.log(`\n== delivery (after ${fmt(o.drainS)} s of drain)`);
  console.log(`  lines written by the sender: ${fmt(o.sent)}`);
  console.log(
    `  records in vigil.events: ${fmt(o.eventRecords)}${o.eventRecords > o.sent ? ' (more than sent: records written twice, e.g. producer retries)' : ''}`,
  );
  console.log(`  events in Elasticsearch (deterministic ids: one document per event): ${fmt(o.inEs)}`);
  console.log(`  dead letters: ${fmt(o.deadLetters)}`);
  console.log(
    `  ${lost <= 0 ? 'nothing lost: every line written is an event in Elasticsearch' : `MISSING from Elasticsearch: ${fmt(lost)} (${fmt((lost / o.sent) * 100, 3)}%; dead letters above may account for some)`}`,
  );
}
