import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../parsers/index.js';
import { detectParseType } from '../parsers/registry.js';
import { normalizeRecord } from './record.js';

/**
 * Suricata EVE and Zeek records that arrive on syslog/TCP inputs rather than files: a bare JSON
 * line, and Suricata's EVE syslog output (the record as the syslog message of program
 * `suricata`). They get the same ECS as from a file, with the input's envelope.
 */
const now = new Date('2026-11-20T12:00:00.000Z');
const first = (vendor: string, file: string) =>
  JSON.stringify(
    (
      JSON.parse(
        readFileSync(fileURLToPath(new URL(`../../test/fixtures/normalize/conformance/${vendor}/${file}`, import.meta.url)), 'utf8').split(
          '\n',
        )[0] as string,
      ) as { input: unknown }
    ).input,
  );
const eve = first('suricata', 'eve.jsonl');
const conn = first('zeek', 'logs.jsonl');

function normalize(line: string, json = true) {
  const raw = Buffer.from(line);
  const p = parseRecord(raw, { now, timezone: 'UTC', format: 'auto', json });
  if (!p.ok) throw p.error;
  return normalizeRecord(p.record, { inputId: 'tcp-in', peer: '192.0.2.10', raw, receivedAt: now, keepOriginal: true });
}

describe('network sensor records on syslog and TCP inputs', () => {
  it('reads a bare EVE JSON line as Suricata', () => {
    const e = normalize(eve);
    expect(e).toMatchObject({
      '@timestamp': '2026-11-20T09:14:03.123Z',
      event: { kind: 'alert', dataset: 'suricata.eve', module: 'suricata', original: eve, created: now.toISOString() },
      rule: { id: '2024897' },
      source: { ip: '10.0.0.15' },
      vigil: { input: 'tcp-in', peer: '192.0.2.10', parse_status: 'ok' },
    });
    expect(e.related?.ip).toEqual(['10.0.0.15', '203.0.113.80']);
  });

  it('reads a bare Zeek JSON line as Zeek', () => {
    const e = normalize(conn);
    expect(e.event).toMatchObject({ dataset: 'zeek.connection', type: ['connection', 'start', 'end'] });
    expect((e.network as { community_id?: string } | undefined)?.community_id).toBe('1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
  });

  it("reads Suricata's EVE syslog output, keeping the syslog host", () => {
    const e = normalize(`<132>1 2026-11-20T09:14:04Z sensor-1 suricata 4242 - - ${eve}`, false);
    expect(e).toMatchObject({
      '@timestamp': '2026-11-20T09:14:03.123Z',
      host: { name: 'sensor-1' },
      event: { kind: 'alert', dataset: 'suricata.eve' },
      rule: { name: 'ET USER_AGENTS Go HTTP Client User-Agent' },
    });
  });

  it('leaves other JSON lines and other suricata messages alone', () => {
    const ecs = normalize('{"@timestamp":"2026-11-20T09:00:00Z","event":{"dataset":"app.log"},"message":"hello"}');
    expect(ecs.event?.dataset).toBe('app.log');
    const plain = normalize('<134>1 2026-11-20T09:14:04Z sensor-1 suricata 4242 - - engine started', false);
    expect(plain.message).toBe('engine started');
    expect(plain.event?.dataset).toBeUndefined();
  });
});

describe('vigil parse --type auto', () => {
  it.each([
    ['an EVE line', eve, 'suricata'],
    ['a Zeek line', conn, 'zeek'],
    ['a JSON array of EVE records', `[${eve}]`, 'suricata'],
    ['a zap log line with a ts and a uid', '{"level":"info","ts":1795162443.1,"msg":"served","uid":"u-7","method":"GET"}', 'json'],
    ['an application line with an event_type', '{"timestamp":"2026-11-20T09:00:00Z","event_type":"login","user":"alice"}', 'json'],
  ])('picks the type of %s', (_name, raw, type) => {
    expect(detectParseType(raw)).toBe(type);
  });
});
