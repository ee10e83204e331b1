import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import { describeSchema, loadConfig, parseConfig, defaultConfig, type FieldDoc } from './schema.js';
import { INPUT_SCHEMAS } from '../../ingest/inputs/registry.js';
import { SINK_SCHEMAS } from '../../sinks/index.js';

const EXAMPLE = fileURLToPath(new URL('../../vigil.example.yaml', import.meta.url));
/** The secrets the example takes from the environment and has no usable default for. */
const EXAMPLE_SECRETS = { VIGIL_HEC_TOKEN: '4c7f0e1a-93b2-4d5e-8a61-2b0c9f7d3e58', VIGIL_FIREHOSE_ACCESS_KEY: 'a0d9c2e47b13f86e5a2c9d0b' };

describe('describeSchema', () => {
  const docs = describeSchema();

  it('describes every field, once per path and variant', () => {
    for (const d of docs) expect(d.description.trim(), d.path).not.toBe('');
    const keys = docs.map((d) => `${d.variant ?? ''}:${d.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives path, type, default and requiredness', () => {
    const byPath = (path: string) => docs.find((d) => d.path === path);
    expect(byPath('kafka.partitions')).toMatchObject({ type: 'integer 1..10000', default: '6', required: false });
    expect(byPath('kafka.compression')).toMatchObject({ type: '"none" | "gzip"', default: '"gzip"' });
    expect(byPath('inputs[].type')).toMatchObject({
      type: Object.keys(INPUT_SCHEMAS)
        .map((t) => `"${t}"`)
        .join(' | '),
      required: true,
    });
    expect(byPath('inputs[].port')).toMatchObject({ variant: 'syslog', type: 'integer 0..65535', required: true });
    expect(byPath('elasticsearch.apiKey')).toMatchObject({ required: false, sensitive: true });
    expect(byPath('elasticsearch.apiKey')?.default).toBeUndefined();
    expect(byPath('sinks[].topics')).toMatchObject({
      type: 'list of ("events" | "alerts" | "incidents" | "actions" | "deadletter") (at least 1)',
    });
  });

  it('lists every registered input and sink type', () => {
    expect(docs.find((d) => d.path === 'inputs[].type')?.type).toBe(
      Object.keys(INPUT_SCHEMAS)
        .map((t) => `"${t}"`)
        .join(' | '),
    );
    expect(docs.find((d) => d.path === 'sinks[].type')?.type).toBe(
      Object.keys(SINK_SCHEMAS)
        .map((t) => `"${t}"`)
        .join(' | '),
    );
  });
});

describe('defaults', () => {
  it('every default passes its own schema (written out and loaded back)', () => {
    const config = defaultConfig();
    expect(parseConfig(stringify(config), 'defaults.yaml', {})).toEqual(config);
  });
});

describe('vigil.example.yaml', () => {
  const text = readFileSync(EXAMPLE, 'utf8');

  it('loads with zero problems, given only the shared secrets it has no default for', () => {
    const config = loadConfig(EXAMPLE, EXAMPLE_SECRETS);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.elasticsearch.node).toBe('http://127.0.0.1:9200');
    // The reference documents one input of every type (some twice, for fields that exclude each other).
    expect(new Set(config.inputs.map((i) => i.type))).toEqual(new Set(Object.keys(INPUT_SCHEMAS)));
    expect(config.inputs.slice(0, 2).map((i) => [i.id, i.type === 'syslog' && i.protocol, i.type === 'syslog' && i.port])).toEqual([
      ['syslog-udp', 'udp', 5514],
      ['syslog-tcp', 'tcp', 5514],
    ]);
    expect(config.detections.rules).toEqual(['rules/sigma']);
    expect(config.playbooks.paths).toEqual(['rules/playbooks']);
    expect(config.sinks.find((s) => s.id === 'es')).toEqual({
      type: 'elasticsearch',
      id: 'es',
      topics: ['events', 'alerts', 'incidents', 'actions', 'deadletter'],
      batchSize: 2000,
      concurrency: 2,
      maxRetries: 8,
    });
  });

  it('takes secrets from the environment', () => {
    const config = loadConfig(EXAMPLE, {
      ...EXAMPLE_SECRETS,
      VIGIL_ES_PASSWORD: 'pw',
      VIGIL_ES_USERNAME: 'elastic',
      FIREWALL_API_KEY: 'fw',
    });
    expect(config.elasticsearch).toMatchObject({ username: 'elastic', password: 'pw' });
    expect(config.elasticsearch.apiKey).toBeUndefined();
    expect(config.playbooks.secrets.FW_KEY).toBe('fw');
    expect(text).toMatch(/\$\{[A-Z_]+:-[^}]*\}/);
  });

  it('ships no usable shared secret: without them in the environment, it does not load', () => {
    expect(() => loadConfig(EXAMPLE, {})).toThrow(/VIGIL_HEC_TOKEN is not set/);
  });

  // Every field is written out, and the comment just above its first occurrence carries the
  // schema's description and its default (or says it is required or optional).
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const lines = text.split('\n');
  const firstKey = new Map<string, Node>(); // `variant:path` → key node
  collectKeys(doc.contents, '', undefined, firstKey);

  // A field that several variants share word for word (a sink's `routes`, from sinks/runner) is
  // documented once, under whichever variant writes it out first.
  const docs = describeSchema();
  const sameField = (a: FieldDoc, b: FieldDoc) =>
    a.path === b.path && a.type === b.type && a.description === b.description && a.default === b.default;
  const keyOf = (d: FieldDoc) => `${d.variant ? `${d.variant}:` : ''}${d.path}`;
  const writtenKey = (d: FieldDoc): string => {
    if (firstKey.has(keyOf(d)) || !d.variant) return keyOf(d);
    const twin = docs.find((o) => o.variant && o.variant !== d.variant && sameField(o, d) && firstKey.has(keyOf(o)));
    return twin ? keyOf(twin) : keyOf(d);
  };

  it.each(docs.map((d) => [keyOf(d), d] as const))('%s is written out and documented', (_key, field: FieldDoc) => {
    const key = writtenKey(field);
    const node = firstKey.get(key);
    expect(node, `${key} does not appear in vigil.example.yaml`).toBeDefined();
    const comment = commentAbove(lines, lineCounter.linePos(node!.range![0]).line);
    expect(comment, `comment above ${key}`).toContain(normalize(field.description));
    if (field.default !== undefined) expect(comment).toContain(`Default: ${field.default}`);
    else if (field.required) expect(comment).toContain('Required');
    else if (field.type !== 'object') expect(comment).toContain('Optional');
  });
});

/** Maps whose keys are names the user picks and whose values are objects with documented fields. */
const FREE_KEYS = new Set(['playbooks.rateLimits']);

/** Records, for each schema path, the first key node that spells it. */
function collectKeys(node: unknown, path: string, variant: string | undefined, out: Map<string, Node>): void {
  if (isSeq(node)) {
    for (const item of node.items) collectKeys(item, `${path}[]`, variant, out);
    return;
  }
  if (!isMap(node)) return;
  const type = node.items.find((p) => isScalar(p.key) && p.key.value === 'type' && path.endsWith('[]'));
  const itemVariant = type && isScalar(type.value) ? String(type.value.value) : variant;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    // Maps of named objects (playbooks.rateLimits) are documented under `<name>`.
    const childPath = FREE_KEYS.has(path) ? `${path}.<name>` : path ? `${path}.${name}` : name;
    // `type` of a union belongs to no variant; maps of free-form keys (secrets) stop here.
    const key = `${name === 'type' && path.endsWith('[]') ? '' : itemVariant ? `${itemVariant}:` : ''}${childPath}`;
    if (!out.has(key)) out.set(key, pair.key as Node);
    if (childPath !== 'playbooks.secrets') collectKeys(pair.value, childPath, itemVariant, out);
  }
}

/** The comment lines directly above a line (blank lines end it), as one normalized string. */
function commentAbove(lines: string[], line: number): string {
  const parts: string[] = [];
  for (let i = line - 2; i >= 0 && /^\s*#/.test(lines[i]); i--) parts.unshift(lines[i].replace(/^\s*#\s?/, ''));
  return normalize(parts.join(' '));
}

function normalize(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
