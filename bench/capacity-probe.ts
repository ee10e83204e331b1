/**
 * What bench/capacity samples: CPU seconds and RSS from /proc (per process tree, per thread of
 * the pipeline, the whole machine), and consumer lag and event counters from a pipeline
 * process's /metrics.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one /proc stat line, in seconds (the command may hold spaces: parse after its ')'). */
function statCpu(text: string): { cpu: number; ppid: number } {
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the command: state(0) ppid(1) … utime(11) stime(12).
  return { cpu: (Number(f[11]) + Number(f[12])) / TICKS, ppid: Number(f[1]) };
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pid and every live descendant of it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const text = read(`/proc/${d}/stat`);
    if (!text) continue;
    const { ppid } = statCpu(text);
    const list = children.get(ppid) ?? [];
    list.push(Number(d));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** CPU seconds of a process (all its threads, including ended ones). */
export function processCpu(pid: number): number {
  const text = read(`/proc/${pid}/stat`);
  return text ? statCpu(text).cpu : 0;
}

export function treeCpu(root: number): number {
  return processTree(root).reduce((s, p) => s + processCpu(p), 0);
}

/** Resident set size of a process tree, in MB. */
export function treeRssMB(root: number): number {
  let kb = 0;
  for (const p of processTree(root)) {
    const m = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${p}/status`) ?? '');
    if (m) kb += Number(m[1]);
  }
  return kb / 1024;
}

/**
 * CPU seconds of a Node process split by thread: its main thread (tid = pid; every stage's
 * JavaScript runs there) and the rest (V8's GC helpers, the libuv pool doing gzip and DNS,
 * parse worker threads). Node 20 names every thread `node`, so the rest cannot be told apart
 * by name; the busiest one is reported alone (under load, usually the parse worker).
 */
export function threadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    const text = read(`/proc/${pid}/task/${t}/stat`);
    if (text) out.set(Number(t), statCpu(text).cpu);
  }
  return out;
}

/** Busy and total CPU seconds of the whole machine (every core), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const f = (read('/proc/stat') ?? '').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((s, v) => s + v, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

/** The pid of a local service started by `vigil up` (its pid file). */
export function servicePid(name: 'kafka' | 'elasticsearch' | 'redis'): number | undefined {
  const text = read(`.vigil/${name}/pid`);
  const pid = Number(text?.trim());
  return Number.isInteger(pid) && pid > 0 && read(`/proc/${pid}/stat`) ? pid : undefined;
}

export interface Scrape {
  /** Lag summed over partitions, per consumer group. */
  lag: Map<string, number>;
  /** vigil_component_received_events_total summed per `kind`. */
  received: Map<string, number>;
  /** vigil_component_sent_events_total summed per `kind`. */
  sent: Map<string, number>;
}

const LINE = /^(\w+)\{([^}]*)\}\s+(\S+)/;
const label = (labels: string, name: string): string => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1] ?? '';

/** Reads the counters and lag gauge of one ops server (merged into `into` when given). */
export async function scrape(opsPort: number, into?: Scrape): Promise<Scrape> {
  const out = into ?? { lag: new Map(), received: new Map(), sent: new Map() };
  const res = await fetch(`http://127.0.0.1:${opsPort}/metrics`).catch(() => undefined);
  if (!res?.ok) return out;
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  for (const line of (await res.text()).split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, name, labels, value] = m as unknown as [string, string, string, string];
    const v = Number(value);
    if (name === 'vigil_consumer_lag') add(out.lag, label(labels, 'group'), v);
    else if (name === 'vigil_component_received_events_total') add(out.received, label(labels, 'kind'), v);
    else if (name === 'vigil_component_sent_events_total') add(out.sent, label(labels, 'kind'), v);
  }
  return out;
}

/** Least-squares slope of y over x (per unit of x); 0 with fewer than two points. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
