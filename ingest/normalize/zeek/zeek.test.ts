import { describe, expect, it } from 'vitest';
import { metrics } from '../../../core/telemetry/index.js';
import { counterValue } from '../../../test/support/metrics.js';
import { detectRecordType, normalizeJsonText, type RecordResult } from '../cloud/records.js';
import { ecsProblems } from '../cloud/ecs-check.js';

/**
 * Zeek JSON logs beyond the conformance suite: recognition with and without `_path` (and not
 * taking other JSON loggers' `ts` for Zeek), nested `id` objects, and bad input.
 */
const ctx = { inputId: 'unit', receivedAt: new Date('2026-11-20T12:00:00.000Z'), keepOriginal: true };
const conn = {
  ts: 1795162443.123456,
  uid: 'CHhAvVGS1DHFjwGM9',
  'id.orig_h': '10.0.0.15',
  'id.orig_p': 50000,
  'id.resp_h': '203.0.113.80',
  'id.resp_p': 443,
  proto: 'tcp',
  conn_state: 'S0',
  history: 'S',
};

function one(r: unknown): RecordResult {
  const results = normalizeJsonText(JSON.stringify(r), ctx, 'auto');
  expect(results).toHaveLength(1);
  return results[0] as RecordResult;
}

describe('Zeek recognition', () => {
  it.each([
    ['conn.log by shape', conn, 'zeek.connection'],
    [
      'a nested id object',
      { ...conn, 'id.orig_h': undefined, id: { orig_h: '10.0.0.15', orig_p: 50000, resp_h: '203.0.113.80', resp_p: 443 } },
      'zeek.connection',
    ],
    ['ISO 8601 ts (JSON::TS_ISO8601)', { ...conn, ts: '2026-11-20T08:14:03.123456Z' }, 'zeek.connection'],
    ['a log Vigil does not map, by _path', { ts: 1795162443.5, _path: 'weird', name: 'bad_TCP_checksum', uid: 'C1' }, 'zeek.weird'],
  ])('reads %s', (_name, r, dataset) => {
    const out = one(r);
    expect(out.ok && out.event.event?.dataset).toBe(dataset);
    if (out.ok) expect(ecsProblems(out.event)).toEqual([]);
  });

  it('reads the endpoints of a nested id object', () => {
    const out = one({
      ...conn,
      'id.orig_h': undefined,
      'id.orig_p': undefined,
      id: { orig_h: '10.0.0.15', orig_p: 50000, resp_h: '203.0.113.80', resp_p: 443 },
    });
    expect(out.ok && out.event.source).toMatchObject({ ip: '10.0.0.15', port: 50000 });
    expect(out.ok && out.event['@timestamp']).toBe('2026-11-20T08:14:03.123Z');
  });

  it.each([
    ['a Go zap log line (float ts, method)', { level: 'info', ts: 1795162443.1, caller: 'main.go:12', msg: 'served', method: 'GET' }],
    ['a log with a ts and a user id', { ts: 1795162443, uid: 'u-1', msg: 'x' }],
    ['a log with a note that is not a Zeek notice', { ts: 1795162443, note: 'remember the milk' }],
  ])('leaves %s to the generic JSON normalizer', (_name, r) => {
    expect(detectRecordType(r)).toBe('json');
  });
});

describe('Zeek bad input', () => {
  it('keeps what it can of wrong-typed fields, and never throws', () => {
    const out = one({
      ...conn,
      'id.orig_p': 'x',
      'id.resp_h': 5,
      duration: 'long',
      orig_ip_bytes: -1,
      service: ['http'],
      local_orig: 'maybe',
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.event.source).toMatchObject({ ip: '10.0.0.15' });
    expect(out.event.source?.port).toBeUndefined();
    expect(out.event.destination?.ip).toBeUndefined();
    expect(out.event.event?.duration).toBeUndefined();
    expect(ecsProblems(out.event)).toEqual([]);
  });

  it.each(['conn', 'dns', 'http', 'ssl', 'files', 'notice', 'ssh', 'x509'])(
    'a %s record with every field of the wrong type still normalizes',
    (path) => {
      for (const v of [null, 0, 'x', [], {}, true]) {
        const r: Record<string, unknown> = { _path: path, ts: 1795162443 };
        for (const k of [
          'uid',
          'id.orig_h',
          'id.resp_p',
          'proto',
          'query',
          'answers',
          'TTLs',
          'uri',
          'status_code',
          'subject',
          'issuer',
          'version',
          'tx_hosts',
          'conn_uids',
          'dropped',
          'auth_success',
          'certificate.sig_alg',
          'certificate.not_valid_after',
          'san.dns',
          'rtt',
          'conn_state',
        ])
          r[k] = v;
        const out = one(r);
        expect(out.ok, `${path} ${JSON.stringify(v)}`).toBe(true);
        if (out.ok) expect(ecsProblems(out.event), `${path} ${JSON.stringify(v)}`).toEqual([]);
      }
    },
  );

  it('counts a log it does not map', async () => {
    const before = await counterValue(metrics.unmappedIds, { vendor: 'zeek', id: 'weird' });
    one({ ts: 1795162443.5, _path: 'weird', name: 'bad_TCP_checksum' });
    expect(await counterValue(metrics.unmappedIds, { vendor: 'zeek', id: 'weird' })).toBe(before + 1);
  });
});
