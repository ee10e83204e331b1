/**
 * bench/intel: the indicator store with 1,000,000 indicators loaded (400k IPv4 addresses, 50k
 * IPv4 and IPv6 networks, 250k domains, 100k URLs, 150k SHA-256 and 50k MD5 hashes): RSS after
 * the build, and lookups per second on one core over a mix of hits and misses (goals: under
 * 200 MB, at least 1M lookups/s).
 *
 *   node --expose-gc --import tsx bench/intel.ts [--indicators 1000000] [--lookups 5000000]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { FeedList, Indicator, IntelList } from '../intel/model.js';
import { IndicatorIndex } from '../intel/store.js';

const { values } = parseArgs({
  options: { indicators: { type: 'string', default: '1000000' }, lookups: { type: 'string', default: '5000000' } },
});
const total = Number(values.indicators);
const lookups = Number(values.lookups);
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

const hex = (n: number, algo: 'md5' | 'sha256') => createHash(algo).update(String(n)).digest('hex');
const ipv4 = (n: number) => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const SHARE: Array<[kind: string, share: number]> = [
  ['ip', 0.4],
  ['cidr', 0.05],
  ['domain', 0.25],
  ['url', 0.1],
  ['sha256', 0.15],
  ['md5', 0.05],
];

function build(): { lists: FeedList[]; probes: Array<[IntelList, string]> } {
  const indicators: Indicator[] = [];
  const probes: Array<[IntelList, string]> = [];
  for (const [kind, share] of SHARE) {
    const n = Math.round(total * share);
    for (let i = 0; i < n; i++) {
      const seed = 0x0a000000 + i * 7919;
      switch (kind) {
        case 'ip':
          indicators.push({ type: 'ip', value: ipv4(seed >>> 0) });
          break;
        case 'cidr':
          indicators.push({
            type: 'cidr',
            value: i % 5 === 0 ? `2001:db8:${(i & 0xffff).toString(16)}::/48` : `${ipv4((0xc0000000 + i * 256) >>> 0)}/24`,
          });
          break;
        case 'domain':
          indicators.push({ type: 'domain', value: `c2-${i}.evil${i % 97}.example` });
          break;
        case 'url':
          indicators.push({ type: 'url', value: `http://dl-${i}.evil.example/payload/${i}.bin` });
          break;
        default:
          indicators.push({ type: kind as 'sha256' | 'md5', value: hex(i, kind as 'md5' | 'sha256') });
      }
    }
  }
  // Probes as events would hold them: half hits, half misses, for each list.
  for (let i = 0; i < 200_000; i++) {
    const hit = i % 2 === 0;
    switch (i % 5) {
      case 0:
        probes.push(['ip', hit ? ipv4((0x0a000000 + (i % 400_000) * 7919) >>> 0) : `172.16.${i & 255}.${(i >> 8) & 255}`]);
        break;
      case 1:
        probes.push(['domain', hit ? `C2-${i % 250_000}.evil${(i % 250_000) % 97}.example` : `www.example${i}.org`]);
        break;
      case 2:
        probes.push(['url', hit ? `http://dl-${i % 100_000}.evil.example/payload/${i % 100_000}.bin` : `https://good.example/${i}`]);
        break;
      case 3:
        probes.push(['hash', hit ? hex(i % 150_000, 'sha256') : hex(i + 10_000_000, 'sha256')]);
        break;
      default:
        probes.push(['ip', hit ? ipv4((0xc0000000 + (i % 40_000) * 256 + 7) >>> 0) : `2001:db9::${(i & 0xffff).toString(16)}`]);
    }
  }
  return { lists: [{ feed: 'bench', indicators }], probes };
}

gc?.();
const rssBefore = process.memoryUsage().rss;
const { lists, probes } = build();
const t0 = performance.now();
const index = IndicatorIndex.build(lists);
const buildMs = performance.now() - t0;
lists.length = 0; // the index holds what it needs; the feed's array goes
gc?.();
const rssAfter = process.memoryUsage().rss;
const { heapUsed: heap, arrayBuffers } = process.memoryUsage();

let hits = 0;
const now = Date.now();
const t1 = process.cpuUsage();
const w0 = performance.now();
for (let k = 0; k < lookups; k++) {
  const [list, value] = probes[k % probes.length] as [IntelList, string];
  if (index.has(list, value, now)) hits++;
}
const wallMs = performance.now() - w0;
const cpu = process.cpuUsage(t1);
const cpuSec = (cpu.user + cpu.system) / 1e6;

// Per list, for where the time goes.
const perList = new Map<IntelList, string[]>();
for (const [list, value] of probes) {
  const vals = perList.get(list);
  if (vals) vals.push(value);
  else perList.set(list, [value]);
}
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
  `indicators indexed: ${index.size.toLocaleString('en')} (${JSON.stringify(index.counts())}), built in ${buildMs.toFixed(0)} ms`,
);
console.log(
  `RSS: ${mb(rssAfter)} total, ${mb(rssAfter - rssBefore)} for the index and probes; heap used ${mb(heap)}, typed arrays ${mb(arrayBuffers)}${gc ? '' : ' (run with --expose-gc for settled figures)'}`,
);
console.log(`RSS settled (feed objects collected): ${mb(rssSettled)}`);
console.log(`per list, lookups per CPU second: ${rates.join(', ')}`);
console.log(
  `lookups: ${lookups.toLocaleString('en')} (${((hits / lookups) * 100).toFixed(0)}% hits) in ${wallMs.toFixed(0)} ms wall, ${cpuSec.toFixed(2)} s CPU → ${Math.round(lookups / cpuSec).toLocaleString('en')} lookups per CPU second`,
);
