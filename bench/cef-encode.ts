/**
 * bench/cef-encode: ECS → CEF and ECS → LEEF 2.0 encode rate on one core (the syslog sink's
 * encoders, header and framing included), over the expected events of the normalize golden
 * fixtures. Goal: ≥ 300k events/s each.
 *
 *   node --import tsx bench/cef-encode.ts [--events 1000000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encodeCef } from '../sinks/syslog/cef.js';
import { frame, syslogLine } from '../sinks/syslog/framing.js';
import { encodeLeef } from '../sinks/syslog/leef.js';
import { num } from './args.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
const total = num(values, 'events');

const fixture = (name: string) =>
  (
    JSON.parse(readFileSync(new URL(`../test/fixtures/normalize/${name}.json`, import.meta.url), 'utf8')) as {
      cases: Array<{ want: Record<string, unknown> }>;
    }
  ).cases.map((c) => c.want);
const events = [...fixture('cef'), ...fixture('leef'), ...fixture('panos'), ...fixture('fortigate')];
const device = { vendor: 'Vigil', product: 'Vigil', version: '1' };
const header = { format: 'rfc5424' as const, facility: 16, severity: 6, appName: 'vigil', hostname: 'bench' };

function run(name: string, encode: (e: Record<string, unknown>) => string, withFrame: boolean): void {
  let bytes = 0;
  // Warm-up, so that the figure is the optimized code's.
  for (let i = 0; i < 50_000; i++) encode(events[i % events.length]!);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    const e = events[i % events.length]!;
    const body = encode(e);
    bytes += withFrame ? frame(syslogLine(e, body, header), 'octet-counting').length : body.length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = Math.round(total / s);
  console.log(
    `${name.padEnd(34)} ${rate.toLocaleString('en-US').padStart(11)} events/s  ${(bytes / total).toFixed(0)} bytes/event  ${rate >= 300_000 ? 'ok' : 'BELOW 300k'}`,
  );
}

console.log(`${total} events, ${events.length} distinct (normalize golden fixtures), one core`);
run('CEF encode', (e) => encodeCef(e, device), false);
run('LEEF 2.0 encode', (e) => encodeLeef(e, { ...device, delimiter: '^' }), false);
run('CEF + RFC 5424 + octet counting', (e) => encodeCef(e, device), true);
run('LEEF + RFC 5424 + octet counting', (e) => encodeLeef(e, { ...device, delimiter: '^' }), true);
