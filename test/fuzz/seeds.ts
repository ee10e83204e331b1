import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Valid samples the fuzzer mutates, read from the parsers' fixtures: the raw lines of the
 * normalize and syslog goldens and of `vigil parse`'s mixed log (syslog, CEF, LEEF, vendor
 * text, JSON lines), the RFC 5424/CEF/LEEF edge cases of the parser tests (`fuzz/seeds.txt`),
 * and the cloud and Windows JSON records.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function goldenRaws(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: Array<{ raw: string }> }).cases.map((c) => c.raw));
}

/** Record files (`*.json` beside their `*.golden.json`) anywhere under `dir`. */
function recordFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...recordFiles(path));
    else if (e.name.endsWith('.json') && !e.name.endsWith('.golden.json')) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

/** One-line records: syslog (5424, 3164, vendor text), CEF, LEEF, and JSON lines. */
export function lineSeeds(): Buffer[] {
  const lines = [
    ...goldenRaws(join(FIXTURES, 'normalize')),
    ...goldenRaws(join(FIXTURES, 'syslog')),
    ...readFileSync(join(FIXTURES, 'parse', 'mixed.log'), 'utf8').split('\n'),
    ...readFileSync(join(FIXTURES, 'fuzz', 'seeds.txt'), 'utf8').split('\n'),
  ];
  return [...new Set(lines.filter((l) => l !== ''))].map((l) => Buffer.from(l));
}

/** Cloud audit, Windows event, Suricata EVE and Zeek JSON documents, compacted to one line each. */
export function jsonSeeds(): Buffer[] {
  const docs = ['cloud', 'windows', 'suricata', 'zeek'].flatMap((d) => recordFiles(join(FIXTURES, d)));
  return docs.map((d) => Buffer.from(JSON.stringify(JSON.parse(d))));
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** `.yml`/`.yaml` files under `dir` (sidecar tests excluded), each a seed. */
function yamlFiles(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(e.name) && !e.name.endsWith('.tests.yml')) out.push(readFileSync(path));
  }
  return out;
}

/** A `.hex` fixture: `#` comment lines, then hex digits. */
function hexFixture(name: string): Buffer {
  const text = readFileSync(join(FIXTURES, 'splunk', name), 'utf8');
  return Buffer.from(
    text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('')
      .replace(/\s/g, ''),
    'hex',
  );
}

/** HEC `/services/collector/event` bodies: string and object events, metadata, fields, batches of concatenated objects. */
export function hecSeeds(): Buffer[] {
  const lines = lineSeeds().map((b) => b.toString('utf8'));
  const json = jsonSeeds().map((b) => b.toString('utf8'));
  const bodies: string[] = [];
  for (let i = 0; i < lines.length; i += 3) {
    bodies.push(JSON.stringify({ event: lines[i], time: 1700000000 + i / 1000, host: `web-${i % 5}`, sourcetype: 'syslog' }));
    bodies.push(
      [lines[i], lines[i + 1] ?? '', lines[i + 2] ?? '']
        .map((event, n) =>
          JSON.stringify({ event, index: 'main', source: '/var/log/auth.log', fields: { n: String(n), tags: ['a', 'b'] } }),
        )
        .join(''),
    );
  }
  for (const doc of json) bodies.push(`{"event":${doc},"time":"1700000000.123","sourcetype":"_json"}`);
  return bodies.map((b) => Buffer.from(b));
}

/** Cooked S2S streams as forwarders send them: the hello, then capability and event messages (captured fixtures). */
export function s2sSeeds(): Buffer[] {
  const hello = hexFixture('forwarder-hello.hex');
  const caps = hexFixture('forwarder-capabilities.hex');
  const parsed = hexFixture('event-parsed.hex');
  const unparsed = hexFixture('event-unparsed.hex');
  return [
    Buffer.concat([hello, caps, parsed]),
    Buffer.concat([hello, caps, unparsed, unparsed]),
    Buffer.concat([hello, parsed, unparsed, parsed]),
    Buffer.concat([hello, caps]),
    Buffer.concat([hello, unparsed, Buffer.alloc(8)]),
  ];
}

/** Amazon Data Firehose HTTP endpoint requests, each carrying some of the line and JSON seeds as records. */
export function firehoseSeeds(): Buffer[] {
  const records = [...lineSeeds(), ...jsonSeeds()];
  const out: Buffer[] = [];
  for (let i = 0; i < records.length; i += 4) {
    const batch = records.slice(i, i + 4).map((r) => ({ data: r.toString('base64') }));
    out.push(Buffer.from(JSON.stringify({ requestId: `req-${i}`, timestamp: 1700000000000 + i, records: batch })));
  }
  return out;
}

/** Pub/Sub push requests (wrapped), one JSON or line seed each as the message data. */
export function pubsubSeeds(): Buffer[] {
  return [...jsonSeeds(), ...lineSeeds().slice(0, 40)].map((data, i) =>
    Buffer.from(
      JSON.stringify({
        message: {
          data: data.toString('base64'),
          attributes: { 'logging.googleapis.com/timestamp': '2026-11-22T02:05:00Z', n: String(i) },
          messageId: String(9000000000 + i),
          publishTime: '2026-11-22T02:05:01.123Z',
        },
        subscription: 'projects/p/subscriptions/vigil',
        deliveryAttempt: 1,
      }),
    ),
  );
}

/** Sigma rules: the shipped ones and the hunt fixtures. */
export const sigmaSeeds = (): Buffer[] => [...yamlFiles(join(REPO, 'rules', 'sigma')), ...yamlFiles(join(FIXTURES, 'hunt', 'rules'))];

/** Sigma correlation rules, shipped and fixtures. */
export const correlationSeeds = (): Buffer[] => [
  ...yamlFiles(join(REPO, 'rules', 'correlation')),
  ...yamlFiles(join(FIXTURES, 'correlation')),
];

/** Playbooks. */
export const playbookSeeds = (): Buffer[] => yamlFiles(join(REPO, 'rules', 'playbooks'));

/** `vigil.yaml` files: the documented example, the local one, and the validator's fixtures. */
export const configSeeds = (): Buffer[] => [
  readFileSync(join(REPO, 'vigil.example.yaml')),
  readFileSync(join(REPO, 'vigil.local.yaml')),
  ...yamlFiles(join(FIXTURES, 'config')),
];

/** Every kind of sample a target can ask for, read once on first use. */
export const SAMPLE_SETS = {
  lines: lineSeeds,
  json: jsonSeeds,
  hec: hecSeeds,
  s2s: s2sSeeds,
  firehose: firehoseSeeds,
  pubsub: pubsubSeeds,
  sigma: sigmaSeeds,
  correlation: correlationSeeds,
  playbook: playbookSeeds,
  config: configSeeds,
} as const satisfies Record<string, () => Buffer[]>;

export type SampleKind = keyof typeof SAMPLE_SETS;

const loaded = new Map<SampleKind, readonly Buffer[]>();

/** The samples of one kind (cached). */
export function samplesOf(kind: SampleKind): readonly Buffer[] {
  let s = loaded.get(kind);
  if (!s) loaded.set(kind, (s = SAMPLE_SETS[kind]()));
  return s;
}
