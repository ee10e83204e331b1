/**
 * bench/intel: the indicator index with 1,000,000 indicators loaded (400k IPv4 addresses, 50k
 * IPv4 and IPv6 networks, 250k domains, 100k URLs, 150k SHA-256 and 50k MD5 hashes), built as a
 * process builds it: from the feed's list as Redis holds it (`intel/shared.ts`), read in place.
 * Prints the process's peak RSS (VmHWM: the feed's text, the build and the lookups included), the
 * index's own size, and lookups per second on one core over a mix of hits and misses (goals:
 * under 200 MB, at least 1M lookups/s).
 *
 *   node --expose-gc --import tsx bench/intel.ts [--indicators 1000000] [--lookups 5000000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Indicator, IntelList } from '../intel/model.js';
import { eachPacked, packList } from '../intel/shared.js';
import { IndicatorIndex } from '../intel/store.js';
import { num } from './args.js';

const { values } = parseArgs({
  options: { indicators: { type: 'string', default: '1000000' }, lookups: { type: 'string', default: '5000000' } },
});
const total = num(values, 'indicators');
const lookups = num(values, 'lookups');
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
/** The most RSS this process has had (Linux). */
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024;

/** A digest-like hex string, distinct for each `n` (its first 8 digits are a bijection of n); no native hash object per value. */
function hex(n: number, algo: 'md5' | 'sha256'): string {
  let h = (Math.imul(n + 1, 0x9e3779b1) ^ (algo === 'md5' ? 0x5bd1e995 : 0)) >>> 0;
  const words: string[] = [];
  for (let k = algo === 'md5' ? 4 : 8; k > 0; k--) {
    words.push(h.toString(16).padStart(8, '0'));
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return words.join('');
}
const ipv4 = (n: number) => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const SHARE: Array<[kind: string, share: number]> = [
  ['ip', 0.4],
  ['cidr', 0.05],
  ['domain', 0.25],
  ['url', 0.1],
  ['sha256', 0.15],
  ['md5', 0.05],
];

/**
 * The feed's list as `SharedLists.write` stores it (and a reader GETs it), written one indicator
 * at a time into one buffer: making the bench's input keeps nothing alive but that text, so that
 * it does not itself set the peak.
 */
function feedBody(): string {
  const out = Buffer.allocUnsafeSlow(total * 80 + 16);
  let used = out.write('[', 0, 'latin1');
  const add = (i: Indicator) => {
    used += out.write(`${used > 1 ? ',' : ''}${packList([i]).slice(1, -1)}`, used, 'utf8');
  };
  for (const [kind, share] of SHARE) {
    const n = Math.round(total * share);
    for (let i = 0; i < n; i++) {
      const seed = 0x0a000000 + i * 7919;
      switch (kind) {
        case 'ip':
          add({ type: 'ip', value: ipv4(seed >>> 0) });
          break;
        case 'cidr':
          add({
            type: 'cidr',
            value: i % 5 === 0 ? `2001:db8:${(i & 0xffff).toString(16)}::/48` : `${ipv4((0xc0000000 + i * 256) >>> 0)}/24`,
          });
          break;
        case 'domain':
          add({ type: 'domain', value: `c2-${i}.evil${i % 97}.example` });
          break;
        case 'url':
          add({ type: 'url', value: `http://dl-${i}.evil.example/payload/${i}.bin` });
          break;
        default:
          add({ type: kind as 'sha256' | 'md5', value: hex(i, kind as 'md5' | 'sha256') });
      }
    }
  }
  used += out.write(']', used, 'latin1');
  return out.toString('utf8', 0, used);
}

/** Probes as events would hold them, half hits and half misses: five columns, looked up in turn (IPv4 addresses; domains; URLs; hashes; addresses in networks and IPv6). */
const COLUMNS: readonly IntelList[] = ['ip', 'domain', 'url', 'hash', 'ip'];

function probeValues(): string[][] {
  const columns: string[][] = COLUMNS.map(() => []);
  for (let i = 0; i < 200_000; i++) {
    const hit = i % 2 === 0;
    const column = columns[i % 5] as string[];
    switch (i % 5) {
      case 0:
        column.push(hit ? ipv4((0x0a000000 + (i % 400_000) * 7919) >>> 0) : `172.16.${i & 255}.${(i >> 8) & 255}`);
        break;
      case 1:
        column.push(hit ? `C2-${i % 250_000}.evil${(i % 250_000) % 97}.example` : `www.example${i}.org`);
        break;
      case 2:
        column.push(hit ? `http://dl-${i % 100_000}.evil.example/payload/${i % 100_000}.bin` : `https://good.example/${i}`);
        break;
      case 3:
        column.push(hit ? hex(i % 150_000, 'sha256') : hex(i + 10_000_000, 'sha256'));
        break;
      default:
        column.push(hit ? ipv4((0xc0000000 + (i % 40_000) * 256 + 7) >>> 0) : `2001:db9::${(i & 0xffff).toString(16)}`);
    }
  }
  return columns;
}

gc?.();
const rssBefore = process.memoryUsage().rss;
// In a function, so that no register of the module's code keeps the stored text alive after it.
function buildFromStored() {
  const body = feedBody();
  gc?.();
  const t0 = performance.now();
  const index = IndicatorIndex.from({ feeds: ['bench'], each: (_, visit) => eachPacked(body, visit) });
  return { index, buildMs: performance.now() - t0, bodyChars: body.length, peakBuild: peakRss() };
}
const { index, buildMs, bodyChars, peakBuild } = buildFromStored();
gc?.(); // the reader lets the stored text go once the index is built
const probes = probeValues();
gc?.();
const rssAfter = process.memoryUsage().rss;
const { heapUsed: heap, arrayBuffers } = process.memoryUsage();

let hits = 0;
const now = Date.now();
const t1 = process.cpuUsage();
const w0 = performance.now();
for (let k = 0; k < lookups; k++) {
  const column = probes[k % 5] as string[];
  if (index.has(COLUMNS[k % 5] as IntelList, column[Math.floor(k / 5) % column.length], now)) hits++;
}
const wallMs = performance.now() - w0;
const cpu = process.cpuUsage(t1);
const cpuSec = (cpu.user + cpu.system) / 1e6;

// Per list, for where the time goes.
const perList = new Map<IntelList, string[]>();
COLUMNS.forEach((list, c) => perList.set(list, [...(perList.get(list) ?? []), ...(probes[c] as string[])]));
const rates: string[] = [];
for (const [list, vals] of perList) {
  const c0 = process.cpuUsage();
  const n = Math.min(lookups, 1_000_000);
  let found = 0;
  for (let k = 0; k < n; k++) if (index.has(list, vals[k % vals.length], now)) found++;
  if (found === 0) throw new Error(`no ${list} probe hit: the bench is broken`);
  const c = process.cpuUsage(c0);
  rates.push(`${list} ${Math.round(n / ((c.user + c.system) / 1e6)).toLocaleString('en')}/s`);
}

// RSS once V8 has given back the pages of the feed's objects (the memory reducer runs after GCs).
for (let k = 0; k < 5; k++) {
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
}
const rssSettled = process.memoryUsage().rss;

console.log(
  `indicators indexed: ${index.size.toLocaleString('en')} (${JSON.stringify(index.counts())}), built in ${buildMs.toFixed(0)} ms from the stored list (${mb(bodyChars)} of text); the index holds ${mb(index.bytes)}`,
);
console.log(
  `RSS: ${mb(rssBefore)} at start; peak ${mb(peakBuild)} by the end of the build, ${mb(peakRss())} over the whole run; ${mb(rssAfter)} after the build with the probes, ${mb(rssSettled)} settled; heap used ${mb(heap)}, array buffers ${mb(arrayBuffers)}${gc ? '' : ' (run with --expose-gc for settled figures)'}`,
);
console.log(`per list, lookups per CPU second: ${rates.join(', ')}`);
console.log(
  `lookups: ${lookups.toLocaleString('en')} (${((hits / lookups) * 100).toFixed(0)}% hits) in ${wallMs.toFixed(0)} ms wall, ${cpuSec.toFixed(2)} s CPU → ${Math.round(lookups / cpuSec).toLocaleString('en')} lookups per CPU second`,
);
