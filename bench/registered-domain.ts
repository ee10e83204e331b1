/**
 * bench/registered-domain: the cost of `dns.question.registered_domain` / `top_level_domain` /
 * `subdomain` (Public Suffix List lookups, `ingest/normalize/domain.ts`): CPU µs per split over a
 * mix of names (ICANN and private suffixes, deep subdomains, IDN, addresses, internal zones), and,
 * for scale, CPU µs per Zeek dns.log and Suricata EVE dns record through the whole JSON normalizer
 * (which now includes one split each).
 *
 *   node --import tsx bench/registered-domain.ts [--n 200000]
 */
import { parseArgs } from 'node:util';
import { domainParts } from '../ingest/normalize/domain.js';
import { normalizeJsonText } from '../ingest/normalize/cloud/records.js';
import { num } from './args.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '200000' } } });
const n = num(values, 'n');

const NAMES = [
  'www.example.com',
  'mail.example.co.uk',
  'a1b2c3.cdn.global.ssl.fastly.net',
  'octocat.github.io',
  '_ldap._tcp.dc._msdcs.corp.example.org',
  'dc01.corp.local',
  '7.100.51.198.in-addr.arpa',
  'пример.рф',
  'update.microsoft.com',
  '10.0.0.1',
];
const names = Array.from({ length: 1024 }, (_, i) => `h${i}.${NAMES[i % NAMES.length] as string}`);

function perCall(label: string, f: (i: number) => unknown): number {
  for (let i = 0; i < 20_000; i++) f(i);
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) f(i);
  const used = process.cpuUsage(t);
  const us = (used.user + used.system) / n;
  console.log(`${label.padEnd(44)} ${us.toFixed(2).padStart(7)} µs`);
  return us;
}

perCall('domainParts(name)', (i) => domainParts(names[i & 1023]));

const ctx = { inputId: 'bench', receivedAt: new Date('2026-11-20T12:00:00Z'), keepOriginal: false };
const zeek = (i: number) =>
  JSON.stringify({
    _path: 'dns',
    ts: 1795162600.25,
    uid: 'CWGtK431H9XuaTkY3',
    'id.orig_h': '192.168.1.52',
    'id.orig_p': 54585,
    'id.resp_h': '8.8.8.8',
    'id.resp_p': 53,
    proto: 'udp',
    trans_id: 29361,
    query: names[i & 1023],
    qclass: 1,
    qtype_name: 'A',
    rcode_name: 'NOERROR',
    answers: ['93.184.216.34'],
    TTLs: [60],
  });
const eve = (i: number) =>
  JSON.stringify({
    timestamp: '2026-11-20T09:17:00.010000+0000',
    flow_id: 991122334456,
    event_type: 'dns',
    src_ip: '10.0.0.15',
    src_port: 53122,
    dest_ip: '10.0.0.2',
    dest_port: 53,
    proto: 'UDP',
    dns: { type: 'query', id: 16000, rrname: names[i & 1023], rrtype: 'A', tx_id: 0 },
  });
const zeekLines = Array.from({ length: 1024 }, (_, i) => zeek(i));
const eveLines = Array.from({ length: 1024 }, (_, i) => eve(i));

for (const [label, lines, type] of [
  ['Zeek dns.log record', zeekLines, 'zeek'],
  ['Suricata EVE dns record', eveLines, 'suricata'],
] as const) {
  perCall(`${label}, normalized`, (i) => normalizeJsonText(lines[i & 1023] as string, ctx, type));
}
