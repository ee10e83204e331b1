import { describe, expect, it } from 'vitest';
import { metrics } from '../../../core/telemetry/index.js';
import { counterValue } from '../../../test/support/metrics.js';
import { detectRecordType, normalizeJsonText, type RecordResult } from '../cloud/records.js';
import { ecsProblems } from '../cloud/ecs-check.js';

/**
 * Suricata EVE records beyond the conformance suite: recognition (and not taking other JSON for
 * EVE), the 64-bit flow id, and bad input: a wrong-typed record keeps what it can and never
 * throws, an unknown event type is counted, a truncated line is a dead letter.
 */
const ctx = { inputId: 'unit', receivedAt: new Date('2026-11-20T12:00:00.000Z'), keepOriginal: true };
const alert = {
  timestamp: '2026-11-20T09:14:03.123456+0000',
  flow_id: 1805461738637437,
  event_type: 'alert',
  src_ip: '10.0.0.15',
  src_port: 49832,
  dest_ip: '203.0.113.80',
  dest_port: 80,
  proto: 'TCP',
  alert: { action: 'allowed', signature_id: 2024897, signature: 'ET TEST', category: 'Misc activity', severity: 3 },
};

function one(text: string): RecordResult {
  const results = normalizeJsonText(text, ctx, 'auto');
  expect(results).toHaveLength(1);
  return results[0] as RecordResult;
}

describe('Suricata EVE recognition', () => {
  it('takes EVE records by their shape', () => {
    expect(detectRecordType(alert)).toBe('suricata');
    expect(detectRecordType({ timestamp: 't', event_type: 'stats', stats: { uptime: 10 } })).toBe('suricata');
  });

  it.each([
    ['an application log with an event_type but no flow', { timestamp: '2026-11-20T09:00:00Z', event_type: 'login', user: 'alice' }],
    ['an ECS document', { '@timestamp': '2026-11-20T09:00:00Z', event: { kind: 'event' }, source: { ip: '10.0.0.1' } }],
    ['a record with a src_ip but no event_type', { timestamp: '2026-11-20T09:00:00Z', src_ip: '10.0.0.1' }],
  ])('leaves %s to the generic JSON normalizer', (_name, r) => {
    expect(detectRecordType(r)).toBe('json');
  });
});

describe('Suricata EVE normalization', () => {
  it('keeps every digit of a 64-bit flow_id, which JSON.parse would round', () => {
    const text = JSON.stringify(alert).replace('1805461738637437', '2157315638537491243');
    const r = one(text);
    expect(r.ok && (r.event as { suricata?: { eve?: { flow_id?: string } } }).suricata?.eve?.flow_id).toBe('2157315638537491243');
  });

  it('keeps what it can of a record with wrong-typed fields, and never throws', () => {
    const bad = {
      ...alert,
      timestamp: 12,
      src_port: 'eighty',
      dest_ip: 'not-an-ip',
      proto: 6,
      alert: 'not an object',
      flow: { bytes_toserver: -5, pkts_toserver: '7', start: 'yesterday' },
      http: [1, 2],
      dns: 'x',
      tls: { sni: 5, fingerprint: {}, version: null },
    };
    const r = one(JSON.stringify(bad));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.source).toMatchObject({ ip: '10.0.0.15' });
    expect(r.event.source?.port).toBeUndefined();
    expect(r.event.destination?.ip).toBeUndefined();
    expect(r.event.event?.kind).toBe('alert');
    expect(r.event.vigil?.parse_status).toBe('partial'); // no usable timestamp: receive time
    expect(r.event['@timestamp']).toBe(ctx.receivedAt.toISOString());
    expect(ecsProblems(r.event)).toEqual([]);
  });

  it.each([null, 0, 'x', [], {}, true])('survives every field replaced by %s', (v) => {
    for (const key of [...Object.keys(alert), 'flow', 'http', 'dns', 'tls', 'fileinfo', 'ether']) {
      const r = one(JSON.stringify({ ...alert, http: { url: '/' }, [key]: v }));
      expect(r.ok || r.code).not.toBe('NORMALIZE_FAILED');
      if (r.ok) expect(ecsProblems(r.event), key).toEqual([]);
    }
  });

  it('counts an event type Elastic does not categorize, and still writes the common fields', async () => {
    const before = await counterValue(metrics.unmappedIds, { vendor: 'suricata', id: 'quic' });
    const r = one(JSON.stringify({ ...alert, event_type: 'quic', alert: undefined, quic: { version: '1' } }));
    expect(r.ok && r.event.event).toMatchObject({ kind: 'event', category: ['network'], dataset: 'suricata.eve' });
    expect(r.ok && r.event.source?.ip).toBe('10.0.0.15');
    expect(await counterValue(metrics.unmappedIds, { vendor: 'suricata', id: 'quic' })).toBe(before + 1);
  });

  it('reads Suricata 8 DNS (v3: request/response, a queries list)', () => {
    const dns = (d: object) => one(JSON.stringify({ ...alert, event_type: 'dns', alert: undefined, proto: 'UDP', dns: d }));
    const q = dns({ version: 3, type: 'request', id: 7, queries: [{ rrname: 'example.com', rrtype: 'AAAA' }] });
    expect(q.ok && q.event.dns).toMatchObject({ type: 'query', id: '7', question: { name: 'example.com', type: 'AAAA' } });
    const a = dns({
      version: 3,
      type: 'response',
      id: 7,
      rcode: 'NOERROR',
      queries: [{ rrname: 'example.com', rrtype: 'AAAA' }],
      answers: [{ rrname: 'example.com', rrtype: 'AAAA', ttl: 60, rdata: '2001:db8::5' }],
    });
    expect(a.ok && a.event.dns).toMatchObject({
      type: 'answer',
      response_code: 'NOERROR',
      question: { name: 'example.com' },
      resolved_ip: ['2001:db8::5'],
    });
  });

  it('dead-letters a truncated line with its text', () => {
    const line = JSON.stringify(alert).slice(0, 80);
    const r = one(line);
    expect(r).toMatchObject({ ok: false, code: 'PARSE_RECORD_JSON', raw: line });
  });
});
