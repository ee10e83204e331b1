/**
 * bench/routes: route evaluation and projection on one core, with 20 routes (a sink's realistic
 * `routes:` — Sigma matches over Windows, Sysmon and Linux events, projections, renames, redaction,
 * a keyed hash, truncation, sampling, dedupe and one aggregate), over the detection benchmark's
 * mixed events. Goal: ≥ 300k events/s.
 *
 * Timed in CPU time of this process (not wall time): on a machine shared with other work, wall
 * time measures the neighbours. Three figures, each including the one before: route evaluation
 * and projection (`route()`, its input already parsed, as the runner hands it over); plus the
 * bytes-out accounting at settle (which serializes changed documents: the JSON a JSON sink then
 * reuses); plus JSON.parse (what the runner does per record before routing).
 *
 *   node --import tsx bench/routes.ts [--events 200000] [--batch 500]
 */
import { parseArgs } from 'node:util';
import type { InRecord } from '../core/bus/index.js';
import { compileRoutes, type RouteConfig } from '../sinks/routes/index.js';
import type { Parsed, RoutedBatch } from '../sinks/runner/index.js';
import { mixedEvents } from './detect-events.js';
import { num } from './args.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, batch: { type: 'string', default: '500' } } });
const total = num(values, 'events');
const batchSize = num(values, 'batch');

const secret = 'bench-secret-0123456789';
const sel = (s: Record<string, unknown>) => ({ selection: s, condition: 'selection' });
const ROUTES = [
  { name: 'lsass-access', match: sel({ 'winlog.event_data.TargetImage|endswith': '\\lsass.exe' }) },
  { name: 'certutil', match: sel({ 'process.name': 'certutil.exe' }), keep: ['@timestamp', 'host.name', 'process', 'user.name'] },
  { name: 'vssadmin', match: sel({ 'process.command_line|contains|all': ['delete', 'shadows'] }) },
  {
    name: 'powershell-encoded',
    match: {
      ps: { 'process.name': ['powershell.exe', 'pwsh.exe'] },
      enc: { 'process.command_line|contains': ['-enc', '-EncodedCommand'] },
      condition: 'ps and enc',
    },
    truncate: { 'process.command_line': 512 },
  },
  { name: 'logon-failure', match: sel({ 'event.code': '4625' }), hash: { fields: ['user.name'], secret }, drop: ['winlog.event_data'] },
  {
    name: 'logon-success',
    match: sel({ 'event.code': '4624' }),
    sample: { rate: 10, key: 'host.name' },
    keep: ['@timestamp', 'event.code', 'host.name', 'user.name', 'source.ip'],
  },
  { name: 'process-4688', match: sel({ 'event.code': '4688' }), rename: { 'process.command_line': 'cmd' }, drop: ['winlog'] },
  { name: 'sshd-failure', match: sel({ 'process.name': 'sshd', 'message|contains': 'Failed password' }), redact: ['source.port'] },
  { name: 'sudo', match: sel({ 'process.name': 'sudo' }), hash: { fields: ['user.name'], secret } },
  { name: 'cron', match: sel({ 'process.name': ['cron', 'CRON'] }), sample: { rate: 20, key: 'host.name' } },
  {
    name: 'dns',
    match: sel({ 'event.category': 'network', 'dns.question.name|exists': true }),
    dedupe: { windowMs: 60_000, maxEntries: 100_000 },
  },
  { name: 'network-conn', match: sel({ 'event.code': '3' }), aggregate: { by: ['host.name', 'destination.port'], intervalMs: 60_000 } },
  {
    name: 'registry',
    match: sel({ 'event.code': ['12', '13', '14'] }),
    keep: ['@timestamp', 'host.name', 'registry', 'process.executable'],
  },
  { name: 'file-create', match: sel({ 'event.code': '11' }), sample: { rate: 5, key: 'host.name' } },
  { name: 'script-block', match: sel({ 'event.code': '4104' }), truncate: { 'powershell.file.script_block_text': 1024, message: 1024 } },
  { name: 'domain-controllers', match: sel({ 'host.name|startswith': 'DC' }), drop: ['winlog.event_data'] },
  {
    name: 'servers',
    match: sel({ 'host.name|startswith': 'SRV-' }),
    keep: ['@timestamp', 'event', 'host.name', 'process.name', 'user.name', 'message'],
  },
  { name: 'admins', match: sel({ 'user.name': ['administrator', 'svc_backup'] }), hash: { fields: ['user.name'], secret } },
  {
    name: 'sysmon-rest',
    match: sel({ 'event.provider|contains': 'Sysmon' }),
    sample: { rate: 10, key: 'host.name' },
    drop: ['winlog.event_data'],
  },
  { name: 'everything-else', sample: { rate: 100, key: 'host.name' }, keep: ['@timestamp', 'event', 'host.name', 'message'] },
] as unknown as RouteConfig[];

const events = mixedEvents(Math.min(total, 50_000), 11);
const texts = events.map((e) => JSON.stringify(e));
const sources: InRecord[] = texts.map((t, i) => ({
  topic: 'bench.vigil.events',
  partition: 0,
  offset: String(i),
  key: null,
  value: Buffer.from(t),
  headers: {},
  timestamp: Date.now(),
}));

interface Figures {
  route: number;
  settle: number;
  parse: number;
}

/** CPU time (ns) of `fn`. */
function cpu(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const used = process.cpuUsage(t0);
  return (used.user + used.system) * 1000;
}

function run(): Figures {
  const routes = compileRoutes(ROUTES, { sink: 'bench' });
  const ns: Figures = { route: 0, settle: 0, parse: 0 };
  let out = 0;
  let done = 0;
  while (done < total) {
    const n = Math.min(batchSize, total - done);
    const batch: Parsed[] = new Array(n);
    ns.parse += cpu(() => {
      for (let i = 0; i < n; i++) {
        const k = (done + i) % texts.length;
        batch[i] = { topic: 'events', doc: JSON.parse(texts[k] as string) as Record<string, unknown>, source: sources[k] as InRecord };
      }
    });
    let routed: RoutedBatch | undefined;
    ns.route += cpu(() => {
      routed = routes.route(batch);
    });
    // settle counts bytes out, which reads each changed document's JSON: the JSON a sink sending
    // JSON reuses (Outgoing.json), so it is not an extra cost on such a sink's path.
    ns.settle += cpu(() => routed?.settle());
    out += routed?.out.length ?? 0;
    done += n;
  }
  const snap = routes.stats.snapshot();
  let inBytes = 0;
  let outBytes = 0;
  for (const c of snap.values()) {
    inBytes += c.in.bytes + (c.dropped.unrouted?.bytes ?? 0);
    outBytes += c.out.bytes;
  }
  const rate = (nsTotal: number) => Math.round(total / (nsTotal / 1e9));
  const fmt = (r: number) => r.toLocaleString('en-US').padStart(10);
  console.log(
    `route+project ${fmt(rate(ns.route))}   +bytes out ${fmt(rate(ns.route + ns.settle))}   +JSON.parse ${fmt(rate(ns.route + ns.settle + ns.parse))}  events per CPU-second; ${out} of ${total} out, ${((1 - outBytes / inBytes) * 100).toFixed(1)}% fewer bytes`,
  );
  return { route: rate(ns.route), settle: rate(ns.route + ns.settle), parse: rate(ns.route + ns.settle + ns.parse) };
}

// Warm-up, so that the figures are the optimized code's.
run();
const runs = [run(), run(), run()];
const best = (k: keyof Figures) => Math.max(...runs.map((r) => r[k])).toLocaleString('en-US');
console.log(
  `best of 3, ${ROUTES.length} routes, batches of ${batchSize}: route evaluation + projection ${best('route')} events/s (goal ≥ 300,000); with bytes-out accounting ${best('settle')}; with JSON.parse ${best('parse')}`,
);
