import { describe, expect, it, vi } from 'vitest';
import type { DeadLetterDocument } from '../../../core/deadletter/index.js';
import { logger } from '../../../core/telemetry/index.js';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import type { GeoipLookup } from '../../enrich/geoip/lookup.js';
import { enrichmentPublisher, type EnrichmentStep } from '../../enrich/publisher.js';
import { withHecDefaults } from './config.js';
import { createHecHandlers, type HecRequest } from './handlers.js';

// A normalizer that throws on one event stands for any event the mapping cannot take (a bug, or
// an input past what it was written for).
vi.mock('../../normalize/splunk.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../normalize/splunk.js')>();
  return {
    ...real,
    normalizeSplunk: (...args: Parameters<typeof real.normalizeSplunk>) => {
      if (args[0].event === 'unmappable') throw new RangeError('Maximum call stack size exceeded');
      return real.normalizeSplunk(...args);
    },
  };
});

const EVENTS = 'test.vigil.events';
const DLQ = 'test.vigil.deadletter';

function handlers() {
  const cfg = withHecDefaults({
    id: 'hec-handlers',
    port: 0,
    tokens: [
      { token: 'tok-plain', name: 'plain' },
      { token: 'tok-ack', name: 'acked', ack: true },
    ],
  });
  const publisher = new MemoryPublisher();
  const h = createHecHandlers(cfg, { publisher, eventsTopic: EVENTS, deadletterTopic: DLQ }, logger('test'));
  const post = async (token: string, body: string) => {
    const req: HecRequest = {
      route: 'event',
      query: new URLSearchParams(),
      headers: { authorization: `Splunk ${token}`, 'x-splunk-request-channel': '0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba' },
      peer: '127.0.0.1',
    };
    const auth = h.authorize(req);
    if ('status' in auth) throw new Error(`refused: ${JSON.stringify(auth)}`);
    return h.handle(req, auth, Buffer.from(body));
  };
  return { h, publisher, post };
}

describe('an event the normalizer throws on', () => {
  it('is dead-lettered with its text and the reason; the rest of the batch is published and the request succeeds', async () => {
    const { h, publisher, post } = handlers();
    try {
      const r = await post('tok-plain', '{"event":"fine"}{"event":"unmappable"}');
      expect(r).toEqual({ status: 200, body: { text: 'Success', code: 0 } });
      expect(publisher.values<{ message: string }>(EVENTS).map((e) => e.message)).toEqual(['fine']);
      const [letter] = publisher.values<DeadLetterDocument>(DLQ);
      expect(letter).toMatchObject({ code: 'NORMALIZE_FAILED', component: 'hec-handlers', raw: { data: '{"event":"unmappable"}' } });
      expect(letter?.reason).toMatch(/Maximum call stack size exceeded/);
    } finally {
      h.stop();
    }
  });

  it('on an ack token, still turns its ackId true', async () => {
    const { h, post, publisher } = handlers();
    try {
      const r = await post('tok-ack', '{"event":"unmappable"}');
      expect(r.body).toMatchObject({ code: 0, ackId: expect.any(Number) });
      const { ackId } = r.body as { ackId: number };
      await h.drain();
      // The ackId settles in a continuation of the publish drain waited for.
      await new Promise((r) => setImmediate(r));
      expect(publisher.values(DLQ)).toHaveLength(1);
      expect(h.acks.query('0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba', [ackId])).toEqual({ [ackId]: true });
    } finally {
      h.stop();
    }
  });
});

describe('enrichment', () => {
  it('happens as each event is built: the enrichment publisher passes the records by without parsing them, and takes the marker off', async () => {
    const cfg = withHecDefaults({ id: 'hec-enrich', port: 0, tokens: [{ token: 'tok-plain', name: 'plain' }] });
    const kafka = new MemoryPublisher();
    const asked: string[] = [];
    const lookup = { lookup: (ip: string) => (asked.push(ip), {}) } as unknown as GeoipLookup;
    let parsedByPublisher = 0;
    const step: EnrichmentStep = {
      name: 'geoip',
      counted: { kind: 'enrich', id: 'geoip' },
      forBatch: () => () => (parsedByPublisher++, false),
    };
    const publisher = enrichmentPublisher(kafka, EVENTS, [step]);
    const h = createHecHandlers(cfg, { publisher, eventsTopic: EVENTS, deadletterTopic: DLQ, geoip: { lookup } }, logger('test'));
    try {
      const req: HecRequest = { route: 'event', query: new URLSearchParams(), headers: { authorization: 'Splunk tok-plain' }, peer: 'p' };
      const auth = h.authorize(req);
      if ('status' in auth) throw new Error('refused');
      const r = await h.handle(req, auth, Buffer.from('{"event":"x"}{"event":{"source":{"ip":"192.0.2.7"}}}'));
      expect(r.status).toBe(200);
      expect(kafka.acked).toHaveLength(2);
      expect(kafka.acked.map((a) => a.record.headers)).toEqual([undefined, undefined]);
      expect(parsedByPublisher).toBe(0);
      // The HEC mapping keeps an object event whole under vigil.splunk.event: no ECS address for GeoIP to look up.
      expect(asked).toEqual([]);
    } finally {
      h.stop();
    }
  });
});
