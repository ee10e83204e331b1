import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPublisher } from '../../../test/support/memory-publisher.js';
import { withFirehoseDefaults } from './config.js';
import { startFirehoseInput, type FirehoseInput } from './server.js';

const EVENTS = 'events';
const DLQ = 'dlq';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

let input: FirehoseInput | undefined;
afterEach(async () => {
  await input?.close();
  input = undefined;
});

async function start(over: Parameters<typeof withFirehoseDefaults>[0] extends infer T ? Partial<T> : never = {}) {
  const publisher = new MemoryPublisher();
  input = await startFirehoseInput(withFirehoseDefaults({ id: 'fh', port: 0, accessKey: 'k3y', ...over }), {
    publisher,
    eventsTopic: EVENTS,
    deadletterTopic: DLQ,
  });
  return { publisher, url: `http://127.0.0.1:${input.port}/` };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-amz-firehose-access-key': 'k3y', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('firehose endpoint', () => {
  it('answers 200 {requestId, timestamp} only after Kafka acknowledged', async () => {
    const { publisher, url } = await start();
    const release = publisher.hold();
    let settled = false;
    const res = post(url, { requestId: 'r1', timestamp: 1, records: [{ data: b64('hello') }] }, { 'x-amz-firehose-request-id': 'r1' }).then(
      (r) => {
        settled = true;
        return r;
      },
    );
    await publisher.waitFor(() => publisher.pending === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    release();
    const r = await res;
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body.requestId).toBe('r1');
    expect(typeof body.timestamp).toBe('number');
    expect(publisher.values(EVENTS).map((e) => e.message)).toEqual(['hello']);
  });

  it('refuses a wrong access key with 401 and a Firehose error body', async () => {
    const { publisher, url } = await start();
    const r = await post(url, { requestId: 'r2', records: [] }, { 'x-amz-firehose-access-key': 'nope', 'x-amz-firehose-request-id': 'r2' });
    expect(r.status).toBe(401);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ requestId: 'r2', errorMessage: expect.stringMatching(/access key/i) });
    expect(typeof body.timestamp).toBe('number');
    expect(publisher.calls).toBe(0);
  });

  it.each([
    ['a prefix of the key', 'k3'],
    ['the key and more', 'k3yk3y'],
    ['an empty key', ''],
    ['no key', undefined],
  ])('refuses %s with 401', async (_what, key) => {
    const { publisher, url } = await start();
    const headers: Record<string, string> = { 'x-amz-firehose-request-id': 'r9' };
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...(key === undefined ? {} : { 'x-amz-firehose-access-key': key }) },
      body: JSON.stringify({ requestId: 'r9', records: [] }),
    });
    expect(r.status).toBe(401);
    expect(publisher.calls).toBe(0);
  });

  it('answers 413 to a body above maxBodyBytes', async () => {
    const { url, publisher } = await start({ maxBodyBytes: 2048 });
    const r = await post(url, { requestId: 'big', records: [{ data: b64('x'.repeat(4000)) }] }, { 'x-amz-firehose-request-id': 'big' });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { errorMessage: string }).errorMessage).toMatch(/exceeds/);
    expect(publisher.calls).toBe(0);
  });

  it('dedups a retried request id, also while the first attempt is in flight', async () => {
    const { publisher, url } = await start();
    const req = { requestId: 'r3', timestamp: 1, records: [{ data: b64('{"message":"once"}') }] };
    const release = publisher.hold();
    const first = post(url, req, { 'x-amz-firehose-request-id': 'r3' });
    await publisher.waitFor(() => publisher.pending === 1);
    const second = post(url, req, { 'x-amz-firehose-request-id': 'r3' });
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await post(url, req, { 'x-amz-firehose-request-id': 'r3' })).status).toBe(200);
    expect(publisher.records(EVENTS)).toHaveLength(1);
  });

  it('answers 503 and keeps the id retriable when Kafka fails', async () => {
    const { publisher, url } = await start();
    const req = { requestId: 'r4', records: [{ data: b64('again') }] };
    publisher.failNext = new Error('kafka down');
    expect((await post(url, req, { 'x-amz-firehose-request-id': 'r4' })).status).toBe(503);
    expect((await post(url, req, { 'x-amz-firehose-request-id': 'r4' })).status).toBe(200);
    expect(publisher.records(EVENTS)).toHaveLength(1);
  });

  it('fans out CloudWatch Logs payloads, drops CONTROL_MESSAGE, dead-letters bad records', async () => {
    const { publisher, url } = await start();
    const cw = (messageType: string, logEvents: unknown[]) =>
      b64(
        gzipSync(
          JSON.stringify({
            messageType,
            owner: '123456789012',
            logGroup: '/aws/lambda/f',
            logStream: 's1',
            subscriptionFilters: ['all'],
            logEvents,
          }),
        ),
      );
    const r = await post(
      url,
      {
        requestId: 'r5',
        timestamp: 1,
        records: [
          {
            data: cw('DATA_MESSAGE', [
              { id: '1', timestamp: 1700000000000, message: 'START RequestId: abc' },
              { id: '2', timestamp: 1700000000001, message: 'END RequestId: abc' },
            ]),
          },
          {
            data: cw('CONTROL_MESSAGE', [
              { id: '', timestamp: 1700000000000, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' },
            ]),
          },
          { data: '***not base64***' },
          { data: b64(gzipSync('x').subarray(0, 5)) },
        ],
      },
      { 'x-amz-firehose-request-id': 'r5', 'x-amz-firehose-common-attributes': '{"commonAttributes":{"env":"prod"}}' },
    );
    expect(r.status).toBe(200);
    const events = publisher.values<{
      message: string;
      aws: { cloudwatch: { log_group: string } };
      labels: Record<string, string>;
      '@timestamp': string;
    }>(EVENTS);
    expect(events.map((e) => e.message)).toEqual(['START RequestId: abc', 'END RequestId: abc']);
    expect(events[0]?.aws.cloudwatch.log_group).toBe('/aws/lambda/f');
    expect(events[0]?.labels).toEqual({ env: 'prod' });
    expect(events[0]?.['@timestamp']).toBe('2023-11-14T22:13:20.000Z');
    const letters = publisher.values<{ code: string; raw: { encoding: string } }>(DLQ);
    expect(letters.map((l) => l.code)).toEqual(['DECODE_PAYLOAD', 'DECODE_PAYLOAD']);
  });
});

describe('firehose limits', () => {
  it('answers 503 with Retry-After once request bodies in flight reach maxInFlightBytes, and takes requests again after', async () => {
    const { publisher, url } = await start({ maxBodyBytes: 4096, maxInFlightBytes: 8192 });
    const release = publisher.hold();
    const body = (id: string) => ({ requestId: id, timestamp: 1, records: [{ data: b64(`${id} ${'x'.repeat(2400)}`) }] });
    const first = post(url, body('a'), { 'x-amz-firehose-request-id': 'a' });
    const second = post(url, body('b'), { 'x-amz-firehose-request-id': 'b' });
    await publisher.waitFor(() => publisher.pending > 0);
    await new Promise((r) => setTimeout(r, 100));

    const busy = await post(url, body('c'), { 'x-amz-firehose-request-id': 'c' });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(await busy.json()).toMatchObject({ requestId: 'c', errorMessage: 'server busy; retry' });

    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect((await post(url, body('c'), { 'x-amz-firehose-request-id': 'c' })).status).toBe(200);
    expect(publisher.values(EVENTS)).toHaveLength(3);
  });
});
