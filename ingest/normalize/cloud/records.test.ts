import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Batch, MAX_EVENT_BYTES } from './emit.js';
import { bytesResults, decodeBase64 } from './cloudwatch.js';
import { ipOf, isoTime } from './common.js';
import { parseCloudTrail, parseOkta, parseWindows } from './parse.js';
import { normalizeJsonText, normalizeRecord } from './records.js';

const ctx = { inputId: 'unit', receivedAt: new Date('2024-01-01T00:00:00.000Z'), keepOriginal: true };
const okta = {
  uuid: 'u1',
  published: '2024-01-01T00:00:00.000Z',
  eventType: 'user.session.start',
  actor: { alternateId: 'a@example.com' },
  outcome: { result: 'SUCCESS' },
};

describe('record dispatch', () => {
  it('keeps the record text in event.original and derives the id from the vendor id', () => {
    const text = JSON.stringify(okta);
    const r = normalizeRecord(okta, ctx, 'auto', text);
    expect(r.ok && r.event.event?.original).toBe(text);
    const again = normalizeRecord(okta, { ...ctx, inputId: 'other' }, 'okta');
    expect(r.ok && again.ok && r.event.vigil?.id === again.event.vigil?.id).toBe(true);
  });

  it.each([
    ['a record of another type than asked', okta, 'cloudtrail', 'PARSE_RECORD_SHAPE', /not a CloudTrail record/],
    ['an array element that is not an object', 42, 'auto', 'PARSE_RECORD_SHAPE', /JSON object/],
    [
      'a Windows record without an event id',
      { Event: { System: { Channel: 'Security' } } },
      'windows',
      'PARSE_RECORD_SHAPE',
      /Windows event/,
    ],
  ] as const)('refuses %s', (_name, record, type, code, reason) => {
    const r = normalizeRecord(record, ctx, type);
    expect(r).toMatchObject({ ok: false, code, reason: expect.stringMatching(reason) });
  });

  it('reads JSON lines, a bad line becoming PARSE_RECORD_JSON with its text', () => {
    const results = normalizeJsonText(`${JSON.stringify(okta)}\n{oops\n${JSON.stringify({ ...okta, uuid: 'u2' })}\n`, ctx);
    expect(results.map((r) => (r.ok ? r.event.event?.id : r.code))).toEqual(['u1', 'PARSE_RECORD_JSON', 'u2']);
    expect(results[1]).toMatchObject({ raw: '{oops' });
  });

  it('keeps an ECS document, dropping categorization values ECS does not allow', () => {
    const [r] = normalizeJsonText(
      '{"@timestamp":"2024-02-02T00:00:00Z","message":"m","event":{"kind":"nope","category":["web","bogus"],"type":["access"],"outcome":"maybe"},"vigil":{"id":"forged"}}',
      ctx,
    );
    expect(r?.ok && r.event).toMatchObject({
      '@timestamp': '2024-02-02T00:00:00.000Z',
      message: 'm',
      event: { kind: 'event', category: ['web'], type: ['access'] },
    });
    expect(r?.ok && r.event.event?.outcome).toBeUndefined();
    expect(r?.ok && r.event.vigil?.id).not.toBe('forged');
  });
});

describe('pushed bytes', () => {
  const cw = (messageType: string) =>
    gzipSync(
      JSON.stringify({
        messageType,
        owner: '1',
        logGroup: 'g',
        logStream: 's',
        subscriptionFilters: [],
        logEvents: [{ id: 'e1', timestamp: 0, message: 'm1' }],
      }),
    );

  it('fans out CloudWatch Logs and drops CONTROL_MESSAGE', () => {
    expect(bytesResults(cw('DATA_MESSAGE'), ctx, 't').map((r) => r.ok && r.event.message)).toEqual(['m1']);
    expect(bytesResults(cw('CONTROL_MESSAGE'), ctx, 't')).toEqual([]);
  });

  it('dead-letters broken gzip and binary bytes as base64', () => {
    const bad = gzipSync('hello').subarray(0, 8);
    expect(bytesResults(bad, ctx, 't')).toEqual([
      { ok: false, code: 'DECODE_PAYLOAD', reason: expect.stringMatching(/^gzip/), raw: bad.toString('base64') },
    ]);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    expect(bytesResults(binary, ctx, 't')).toEqual([
      { ok: false, code: 'DECODE_PAYLOAD', reason: expect.any(String), raw: binary.toString('base64') },
    ]);
  });

  it('takes text and JSON lines mixed', () => {
    const results = bytesResults(Buffer.from(`plain\n${JSON.stringify(okta)}\n`), ctx, 'x.text');
    expect(results.map((r) => r.ok && r.event.event?.dataset)).toEqual(['x.text', 'okta.system']);
  });

  it('decodes strict base64 only', () => {
    expect(decodeBase64('aGVsbG8=')?.toString()).toBe('hello');
    expect(decodeBase64('aGVs bG8=')?.toString()).toBe('hello');
    expect(decodeBase64('aGVsbG8')).toBeUndefined();
    expect(decodeBase64('a$Vsbg==')).toBeUndefined();
  });
});

describe('field helpers', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['1.2.3.4:5678', '1.2.3.4'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['ec2.amazonaws.com', undefined],
    ['-', undefined],
    ['private', undefined],
  ])('ipOf(%s)', (input, out) => expect(ipOf(input)).toBe(out));

  it('reads zone-less times as UTC', () => {
    expect(isoTime('2015-06-29T20:03:19')).toBe('2015-06-29T20:03:19.000Z');
    expect(isoTime('2023-09-05T10:15:30.1234567Z')).toBe('2023-09-05T10:15:30.123Z');
    expect(isoTime(1700000000000)).toBe('2023-11-14T22:13:20.000Z');
    expect(isoTime('yesterday')).toBeUndefined();
  });
});

describe('batch', () => {
  it('drops event.original from an oversized event, and dead-letters one still too large', () => {
    const big = 'x'.repeat(MAX_EVENT_BYTES);
    const batch = new Batch('unit');
    const [small] = normalizeJsonText(
      JSON.stringify({ ...okta, debugContext: { debugData: { note: 'y'.repeat(MAX_EVENT_BYTES / 2 + 10) } } }),
      ctx,
    );
    const [huge] = normalizeJsonText(JSON.stringify({ ...okta, displayMessage: big }), ctx);
    batch.add([small!, huge!]);
    expect(batch.events).toHaveLength(1);
    expect(JSON.parse(String(batch.events[0]?.value)).event.original).toBeUndefined();
    expect(batch.letters.map((l) => l.code)).toEqual(['FRAME_TOO_LARGE']);
    expect(batch.received).toBe(2);
  });
});

describe('pure parse functions (vigil parse)', () => {
  it('parses a CloudTrail file and turns foreign records into pipeline_error events', () => {
    const events = parseCloudTrail(
      JSON.stringify({
        Records: [
          {
            eventVersion: '1.08',
            eventSource: 's3.amazonaws.com',
            eventName: 'GetObject',
            eventTime: '2024-01-01T00:00:00Z',
            eventID: 'x',
          },
          okta,
        ],
      }),
    );
    expect(events.map((e) => e.event?.kind)).toEqual(['event', 'pipeline_error']);
    expect(events[1]?.event?.reason).toMatch(/not a CloudTrail record/);
    expect(parseOkta(JSON.stringify(okta))[0]?.event?.action).toBe('user.session.start');
    expect(parseWindows('{"nope":1}')[0]?.event?.kind).toBe('pipeline_error');
  });
});

describe('found by fuzzing', () => {
  it('reads a GCP audit entry whose logName holds a malformed %-escape', () => {
    const entry = {
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        methodName: 'storage.objects.get',
        serviceName: 'storage.googleapis.com',
      },
      logName: 'projects/p/logs/cloudaudit.googleapis.com%E0%A4%A',
      timestamp: '2024-01-01T00:00:00Z',
    };
    const [r] = normalizeJsonText(JSON.stringify(entry), ctx, 'gcp-audit');
    expect(r?.ok).toBe(true);
  });
});

describe('found by review after fuzzing (spread of a huge array)', () => {
  it('reads a JSON-lines text whose line is an array of 200k records without overflowing the stack', () => {
    const text = `{"a":1}\n[${Array(200_000).fill('1').join(',')}]\n`;
    expect(normalizeJsonText(text, ctx)).toHaveLength(200_001);
  });
});

describe('keys that name prototypes', () => {
  it('keeps a nested __proto__ key of a JSON record as data, never as the prototype of its object', () => {
    const [r] = normalizeJsonText('{"msg": "m", "a": {"__proto__": {"polluted": 1}, "b": 2}}', ctx, 'auto');
    const a = (r?.ok ? (r.event.json as Record<string, unknown>).a : undefined) as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(a.polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(a, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
