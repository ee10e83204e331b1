import { describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { deterministicId } from '../../core/event/index.js';
import { resolveSinkConfig, type IndexedTopic } from './config.js';
import { bulkBody, dedupeOps, documentId, encodeRecord, encodeTarget, type BulkOp } from './encode.js';

const rec = (value: unknown, over: Partial<InRecord> = {}): InRecord => ({
  topic: 'x.vigil.events',
  partition: 2,
  offset: '41',
  key: null,
  value: Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
  timestamp: Date.UTC(2025, 0, 2, 3, 4, 5),
  ...over,
});

const cfg = resolveSinkConfig(
  { id: 'es', type: 'elasticsearch', topics: [], batchSize: 10, maxRetries: 1 },
  { node: 'http://x', indexPrefix: 'pfx' },
);
const dsCfg = { ...cfg, dataStream: true };

describe('encodeTarget: index choice', () => {
  const table: Array<[IndexedTopic, boolean, string, 'index' | 'create']> = [
    ['events', false, 'pfx-events', 'index'],
    ['alerts', false, 'pfx-alerts', 'index'],
    ['incidents', false, 'pfx-incidents', 'index'],
    ['actions', false, 'pfx-actions', 'index'],
    ['events', true, 'pfx-events', 'create'],
    ['alerts', true, 'pfx-alerts', 'create'],
    ['actions', true, 'pfx-actions', 'create'],
    // Incidents are overwritten with their latest state: never a data stream.
    ['incidents', true, 'pfx-incidents', 'index'],
  ];
  it.each(table)('%s (dataStream %s) → %s with %s', (topic, ds, index, op) => {
    expect(encodeTarget(ds ? dsCfg : cfg, topic)).toEqual({ topic, index, writeOp: op });
  });

  it('dead letters go to <prefix>-deadletter, a data stream with dataStream', () => {
    expect(encodeTarget(cfg, 'deadletter')).toEqual({ topic: 'deadletter', index: 'pfx-deadletter', writeOp: 'index' });
    expect(encodeTarget(dsCfg, 'deadletter').writeOp).toBe('create');
  });

  it('with elasticSecurity, events and alerts go to logs-vigil.<topic>-<namespace> and carry data_stream.*', () => {
    const sec = { ...cfg, securityNamespace: 'prod' };
    const target = encodeTarget(sec, 'alerts');
    expect(target).toEqual({
      topic: 'alerts',
      index: 'logs-vigil.alerts-prod',
      writeOp: 'index',
      dataStreamFields: { type: 'logs', dataset: 'vigil.alerts', namespace: 'prod' },
    });
    expect(encodeTarget(sec, 'events').index).toBe('logs-vigil.events-prod');
    expect(encodeTarget(sec, 'incidents')).toEqual({ topic: 'incidents', index: 'pfx-incidents', writeOp: 'index' });
    const e = encodeRecord(rec({ event: { kind: 'alert' }, vigil: { id: 'a1' } }), target);
    expect(e.ok && e.op.doc?.data_stream).toEqual({ type: 'logs', dataset: 'vigil.alerts', namespace: 'prod' });
  });
});

describe('documentId: id choice', () => {
  it('events, alerts and actions use vigil.id', () => {
    for (const t of ['events', 'alerts', 'actions'] as const) {
      expect(documentId(t, { vigil: { id: 'abc' } }, rec({}))).toBe('abc');
    }
  });
  it('accepts a literal dotted key', () => {
    expect(documentId('events', { 'vigil.id': 'dotted' }, rec({}))).toBe('dotted');
  });
  it('incidents use incident.id, then the record key, then vigil.id', () => {
    expect(documentId('incidents', { incident: { id: 'inc-1' }, vigil: { id: 'v' } }, rec({}, { key: 'k' }))).toBe('inc-1');
    expect(documentId('incidents', { vigil: { id: 'v' } }, rec({}, { key: 'inc-k' }))).toBe('inc-k');
    expect(documentId('incidents', { vigil: { id: 'v' } }, rec({}))).toBe('v');
  });
  it('events ignore the record key (it is a partitioning key such as host.name)', () => {
    expect(documentId('events', {}, rec({}, { key: 'web-1' }))).toBe(deterministicId('kafka', 'x.vigil.events', '2', '41'));
  });
  it('without an id, derives one from topic/partition/offset, deterministically', () => {
    const a = documentId('events', { vigil: {} }, rec({}));
    expect(a).toBe(deterministicId('kafka', 'x.vigil.events', '2', '41'));
    expect(documentId('events', { vigil: { id: '' } }, rec({}))).toBe(a);
    expect(documentId('events', { vigil: { id: 42 } }, rec({}))).toBe(a);
    expect(documentId('events', {}, rec({}, { offset: '42' }))).not.toBe(a);
    expect(documentId('events', {}, rec({}, { partition: 3 }))).not.toBe(a);
  });
  it('hashes ids longer than 512 bytes (Elasticsearch refuses them)', () => {
    const long = 'é'.repeat(300); // 600 bytes
    const id = documentId('events', { vigil: { id: long } }, rec({}));
    expect(id).toBe(deterministicId('long-id', long));
    expect(id.length).toBe(20);
    expect(documentId('events', { vigil: { id: 'a'.repeat(512) } }, rec({}))).toBe('a'.repeat(512));
  });
});

describe('encodeRecord', () => {
  const events = encodeTarget(cfg, 'events');
  const incidents = encodeTarget(cfg, 'incidents');

  it('builds an index op with the document', () => {
    const e = encodeRecord(rec({ '@timestamp': '2025-01-01T00:00:00Z', vigil: { id: 'id1' } }), events);
    expect(e).toMatchObject({
      ok: true,
      op: { op: 'index', index: 'pfx-events', id: 'id1', doc: { '@timestamp': '2025-01-01T00:00:00Z' } },
    });
  });
  it('uses create on data streams', () => {
    const e = encodeRecord(rec({ vigil: { id: 'id1' } }), encodeTarget(dsCfg, 'events'));
    expect(e.ok && e.op.op).toBe('create');
  });
  it('fills a missing @timestamp from the Kafka record time', () => {
    const e = encodeRecord(rec({ vigil: { id: 'id1' } }), events);
    expect(e.ok && e.op.doc?.['@timestamp']).toBe('2025-01-02T03:04:05.000Z');
  });
  const bad: Array<[string, Buffer | string, RegExp]> = [
    ['not JSON', 'hello <13>', /^not JSON: /],
    ['truncated JSON', '{"a":', /^not JSON: /],
    ['an array', '[1,2]', /not a JSON object \(got array\)/],
    ['a string', '"str"', /not a JSON object \(got string\)/],
    ['a number', '42', /not a JSON object \(got number\)/],
    ['null', 'null', /not a JSON object \(got null\)/],
    ['empty', Buffer.alloc(0), /^empty record$/],
  ];
  it.each(bad)('refuses %s with a reason', (_name, value, reason) => {
    const e = encodeRecord(rec(value), events);
    expect(e.ok).toBe(false);
    if (!e.ok) expect(e.reason).toMatch(reason);
  });
  it('turns an incident tombstone into a delete', () => {
    const e = encodeRecord(rec(Buffer.alloc(0), { key: 'inc-9', topic: 'x.vigil.incidents' }), incidents);
    expect(e).toMatchObject({ ok: true, op: { op: 'delete', index: 'pfx-incidents', id: 'inc-9' } });
    expect(e.ok && e.op.doc).toBeUndefined();
  });
  it('an empty record without a key is refused even on incidents', () => {
    expect(encodeRecord(rec(Buffer.alloc(0), { topic: 'x.vigil.incidents' }), incidents).ok).toBe(false);
  });
});

describe('dedupeOps and bulkOperations', () => {
  const op = (id: string, v: number, kind: BulkOp['op'] = 'index'): BulkOp => ({
    op: kind,
    index: 'pfx-incidents',
    id,
    ...(kind === 'delete' ? {} : { doc: { v } }),
    record: rec({}),
  });
  it('keeps the last operation per id, in order', () => {
    const ops = [op('a', 1), op('b', 1), op('a', 2), op('c', 1), op('a', 3)];
    const { kept, superseded } = dedupeOps(ops);
    expect(kept.map((o) => `${o.id}${o.doc?.v}`)).toEqual(['b1', 'c1', 'a3']);
    expect(superseded).toHaveLength(2);
  });
  it('writes action and source lines; deletes have no source', () => {
    expect(lines(bulkBody([op('a', 1), op('b', 0, 'delete'), { ...op('c', 2), op: 'create' }]))).toEqual([
      '{"index":{"_index":"pfx-incidents","_id":"a"}}',
      '{"v":1}',
      '{"delete":{"_index":"pfx-incidents","_id":"b"}}',
      '{"create":{"_index":"pfx-incidents","_id":"c"}}',
      '{"v":2}',
      '',
    ]);
  });
});

/** The NDJSON lines of a bulk body, as text. */
const lines = (body: Buffer): string[] => body.toString('utf8').split('\n');

describe("source lines: the record's own bytes where nothing changes", () => {
  const events = encodeTarget(cfg, 'events');
  const sourceLine = (e: ReturnType<typeof encodeRecord>): string => (e.ok ? (lines(bulkBody([e.op]))[1] as string) : 'refused');

  it('sends the record as it is, byte for byte (a re-serialization would round this integer and drop the spacing)', () => {
    const text = '{ "@timestamp": "2025-01-01T00:00:00Z", "vigil": {"id": "id1"}, "n": 12345678901234567890, "s": "é" }';
    expect(sourceLine(encodeRecord(rec(text), events))).toBe(text);
  });
  it("puts a missing @timestamp and the data_stream fields in front of the record's own fields", () => {
    const security = encodeTarget({ ...cfg, securityNamespace: 'prod' }, 'events');
    const e = encodeRecord(rec('  {"vigil":{"id":"id1"},"n":12345678901234567890}'), security);
    expect(sourceLine(e)).toBe(
      '  {"@timestamp":"2025-01-02T03:04:05.000Z","data_stream":{"type":"logs","dataset":"vigil.events","namespace":"prod"},"vigil":{"id":"id1"},"n":12345678901234567890}',
    );
    expect(sourceLine(encodeRecord(rec('{}'), events))).toBe('{"@timestamp":"2025-01-02T03:04:05.000Z"}');
  });
  const serialized: Array<[string, Buffer]> = [
    ['holds a newline (it would end the NDJSON line)', Buffer.from('{"@timestamp":"t",\n"vigil":{"id":"id1"},"n":1.0}')],
    [
      'is not UTF-8 (it was read with a replacement character)',
      Buffer.from([...Buffer.from('{"@timestamp":"t","n":1.0,"s":"'), 0xff, 0x22, 0x7d]),
    ],
    ['has a data_stream field of its own, which the sink replaces', Buffer.from('{"@timestamp":"t","data_stream":{"type":"x"},"n":1.0}')],
  ];
  it.each(serialized)('serializes the document when the record %s', (_why, value) => {
    const security = encodeTarget({ ...cfg, securityNamespace: 'prod' }, 'events');
    const e = encodeRecord(rec(value), security);
    expect(e.ok).toBe(true);
    if (e.ok) expect(sourceLine(e)).toBe(JSON.stringify(e.op.doc));
    expect(sourceLine(e)).not.toContain('1.0');
  });
  it('serializes a document that was changed after it was read', () => {
    const e = encodeRecord(rec('{"@timestamp":"t","n":1.0}'), events);
    if (!e.ok) throw new Error('refused');
    expect(sourceLine({ ok: true, op: { ...e.op, doc: { ...e.op.doc, n: 2 } } })).toBe('{"@timestamp":"t","n":2}');
  });
});
