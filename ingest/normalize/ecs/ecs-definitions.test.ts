import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ecsProblems } from './check.js';
import { ECS_FLAT_PATH, ecsDefinitions } from './definitions.js';

/**
 * Every normalized fixture (the `want` of each golden case, and the `*.golden.json` outputs of
 * the other normalizers' fixtures) is checked against the official ECS 9.4 field definitions:
 * field names exist, values fit their types, allowed values only, event.type expected for the
 * event's categories. Custom fields must live under `vigil.*` or `labels.*`.
 */
/**
 * Where non-ECS fields may live: `vigil.*` (ours) and, for the cloud and Windows normalizers,
 * the vendor namespaces Elastic's own integrations use (`winlog.event_data.*` is where SPECS'
 * Sigma mapping looks for unmapped Windows fields). Vendor parsers of syslog devices use none.
 */
const CUSTOM_NAMESPACES = ['vigil', 'winlog', 'aws', 'gcp', 'azure', 'okta', 'o365', 'suricata', 'zeek'];
/** Syslog vendors: `vigil.*`, and `cisco.asa.*` where Elastic's cisco_asa content reads the message id. */
const SYSLOG_NAMESPACES = ['vigil', 'cisco'];

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

/** `[fixture label, event]` for every ECS event the fixtures promise. */
function fixtureEvents(): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const path of walk(FIXTURES).filter((p) => p.endsWith('.json'))) {
    const rel = relative(FIXTURES, path);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (path.endsWith('.golden.json')) {
      const events = Array.isArray(doc) ? doc : [doc];
      events.forEach((e, i) => out.push([`${rel}[${i}]`, e]));
      continue;
    }
    const file = doc as { schema?: string; cases?: Array<{ name: string; want?: unknown }> };
    if (!Array.isArray(file.cases) || (file.schema !== undefined && file.schema !== 'ecs')) continue;
    for (const c of file.cases) if (c.want !== undefined) out.push([`${rel}: ${c.name}`, c.want]);
  }
  return out;
}

describe('ECS definitions (official ecs_flat.yml, ECS 9.4.0)', () => {
  it('are the official artifact', () => {
    expect(existsSync(ECS_FLAT_PATH), ECS_FLAT_PATH).toBe(true);
    const defs = ecsDefinitions();
    expect(defs.size).toBeGreaterThan(1500);
    expect(defs.get('source.ip')?.type).toBe('ip');
    expect(defs.get('event.kind')?.allowed_values?.map((a) => a.name)).toContain('pipeline_error');
  });

  const events = fixtureEvents();
  it('cover the normalized fixtures of every vendor and format', () => {
    const labels = events.map(([l]) => l);
    for (const f of ['cef.json', 'leef.json', 'cisco-asa.json', 'panos.json', 'fortigate.json', 'pfsense.json', 'linux.json']) {
      expect(
        labels.some((l) => l.startsWith(`normalize/${f}`)),
        f,
      ).toBe(true);
    }
    expect(labels.some((l) => l.startsWith('syslog/ecs-golden.json'))).toBe(true);
  });

  it.each(events)('%s conforms to ECS', (label, event) => {
    const own = label.startsWith('normalize/') || label.startsWith('syslog/');
    expect(ecsProblems(event, ecsDefinitions(), own ? SYSLOG_NAMESPACES : CUSTOM_NAMESPACES)).toEqual([]);
  });
});

describe('ecsProblems (negative cases)', () => {
  const base = { '@timestamp': '2026-11-20T09:14:03.000Z', vigil: { anything: { goes: 1 } } };
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown field', { source: { ipaddr: '1.2.3.4' } }, /^source\.ipaddr: not an ECS field/],
    ['a string in an ip field', { source: { ip: 'not-an-ip' } }, /^source\.ip: "not-an-ip" not an IP address/],
    ['a string in a long field', { source: { port: '22' } }, /^source\.port: "22" not an integer/],
    ['a date that is not RFC 3339', { event: { created: 'Nov 20 09:14:03' } }, /^event\.created: .* not an RFC 3339 date/],
    ['a value outside allowed values', { event: { kind: 'log' } }, /^event\.kind: "log" is not an allowed value/],
    ['a category given as a string', { event: { category: 'network' } }, /^event\.category: ECS normalizes this field to an array/],
    [
      'an unexpected type for the category',
      { event: { category: ['authentication'], type: ['denied'] } },
      /^event\.type: "denied" is not expected/,
    ],
    ['a MAC in the wrong form', { source: { mac: '00:50:56:ab:cd:ef' } }, /^source\.mac: .* does not match/],
    ['a non-keyword label', { labels: { n: 1 } }, /^labels: .* values are not keyword/],
    ['an unexpected network.direction', { network: { direction: 'in' } }, /^network\.direction: "in" is not an expected value/],
  ])('reports %s', (_name, extra, problem) => {
    const problems = ecsProblems({ ...base, ...extra }, ecsDefinitions());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('requires @timestamp', () => {
    expect(ecsProblems({ message: 'x' }, ecsDefinitions())).toEqual(['@timestamp: required']);
  });
});
