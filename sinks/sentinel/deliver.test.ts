import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '../../core/telemetry/index.js';
import { firstAttempt as ctx, outgoing as out } from '../../test/support/outgoing.js';
import { SentinelStandIn } from '../../test/support/standins/sentinel.js';
import { callFailure } from '../runner/index.js';
import { sentinelRow } from './columns.js';
import { withSentinelDefaults, type SentinelSinkConfig } from './config.js';
import { openSentinelDelivery } from './sink.js';

const AZ = { tenantId: 'tenant-1', clientId: 'app-1', clientSecret: 's3cret', dcrImmutableId: 'dcr-0123abcd', stream: 'Custom-Vigil_CL' };

describe('sentinel rows', () => {
  it('maps TimeGenerated from @timestamp, the document to RawData, and configured columns from ECS', () => {
    const doc = { '@timestamp': '2026-03-01T10:00:00+02:00', host: { name: 'web1' }, message: 'hi' };
    expect(
      sentinelRow(doc, { TimeGenerated: '@timestamp', RawData: '$json', Computer: 'host.name', Missing: 'no.such' }, 0, () => 'J'),
    ).toEqual({
      TimeGenerated: '2026-03-01T08:00:00.000Z',
      RawData: 'J',
      Computer: 'web1',
    });
    expect(sentinelRow({ a: 1 }, { Event: '$document' }, Date.UTC(2026, 0, 2), () => '')).toEqual({
      Event: { a: 1 },
      TimeGenerated: '2026-01-02T00:00:00.000Z',
    });
  });
});

describe('sentinel delivery against the Logs Ingestion stand-in', () => {
  let api: SentinelStandIn;
  let sink: SentinelSinkConfig;
  beforeEach(async () => {
    api = await new SentinelStandIn({ ...AZ, maxBodyBytes: 4096 }).start();
    sink = withSentinelDefaults({ id: 'az', endpoint: api.base, authorityHost: api.base, ...AZ, maxRetryAfterSeconds: 1 });
  });
  afterEach(async () => api.stop());

  it('posts gzip JSON arrays, one token for many calls, and splits what the API refuses as too large', async () => {
    const d = await openSentinelDelivery(sink, logger('test'));
    const docs = Array.from({ length: 30 }, (_, i) => ({ '@timestamp': '2026-03-01T10:00:00Z', n: i, pad: 'x'.repeat(300) }));
    const v = await d.deliver(docs.map(out), ctx());
    expect(v.every((x) => x.outcome === 'ok')).toBe(true);
    expect(api.rows.map((r) => (JSON.parse(r.RawData as string) as { n: number }).n).sort((a, b) => a - b)).toEqual(docs.map((x) => x.n));
    expect(api.requests.some((r) => r.status === 413)).toBe(true);
    expect(api.requests.every((r) => r.gzip)).toBe(true);
    expect(api.tokensIssued).toBe(1);
  });

  it('dead-letters a row too large for the API by itself with its reason, and delivers the rest', async () => {
    const d = await openSentinelDelivery(sink, logger('test'));
    const v = await d.deliver([out({ n: 1 }), out({ n: 2, pad: 'y'.repeat(8000) }), out({ n: 3 })], ctx());
    expect(v.map((x) => x.outcome)).toEqual(['ok', 'reject', 'ok']);
    expect((v[1] as { reason: string }).reason).toMatch(
      /^sentinel sink az: HTTP 413 ContentLengthLimitExceeded: Maximum allowed content length: 4096 bytes/,
    );
  });

  it('honours 429 Retry-After and fetches a new token when the API refuses the cached one', async () => {
    const d = await openSentinelDelivery(sink, logger('test'));
    api.throttle(3, '1');
    api.revokeTokens();
    const started = Date.now();
    const v = await d.deliver([out({ n: 1 })], ctx());
    expect(v).toEqual([{ outcome: 'ok' }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(api.tokensIssued).toBe(2);
    expect(api.requests.map((r) => r.status)).toEqual([401, 429, 429, 429, 204]);
  });

  it('refuses to open with a secret the tenant refuses, naming the sink and the field', async () => {
    await expect(openSentinelDelivery({ ...sink, clientSecret: 'wrong' }, logger('test'))).rejects.toMatchObject({
      code: 'SINK_CONFIG',
      message: expect.stringMatching(
        /^sentinel sink az: the token endpoint refused client app-1 of tenant tenant-1: HTTP 401 invalid_client: AADSTS7000215/,
      ),
      location: { path: 'sinks[az].clientSecret' },
    });
  });

  it('fails the call (retry without limit) when the rule or the stream is wrong, instead of dead-lettering every row', async () => {
    const d = await openSentinelDelivery({ ...sink, dcrImmutableId: 'dcr-other' }, logger('test'));
    const v = await d.deliver([out({ n: 1 })], ctx());
    expect(v.map((x) => x.outcome)).toEqual(['unavailable']);
    expect(callFailure(v)?.reason).toMatch(/^sentinel sink az: the rule or stream is unknown .*HTTP 404 NotFound/);
    const s = await openSentinelDelivery({ ...sink, stream: 'Custom-Other_CL' }, logger('test'));
    const w = await s.deliver([out({ n: 1 }), out({ n: 2 })], ctx());
    expect(w.map((x) => x.outcome)).toEqual(['unavailable', 'unavailable']);
    expect(callFailure(w)?.reason).toMatch(/^sentinel sink az: the API refuses the sink's settings: HTTP 400 InvalidStream/);
  });
});
