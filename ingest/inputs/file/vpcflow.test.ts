import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutRecord, Publisher } from '../../../core/bus/index.js';
import type { EcsEvent } from '../../../core/event/index.js';
import { lineResults, type FileLineState, type LineFormat } from './formats.js';
import { withFileDefaults } from './config.js';
import { startFileInput } from './input.js';

/** AWS VPC flow logs as S3 delivery writes them: a header line naming the fields, then a record a line. */
const DEFAULT_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const DEFAULT_RECORD = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
// A custom format (fewer fields, another order): only its header says how to read it.
const CUSTOM_HEADER = 'instance-id srcaddr dstaddr srcport dstport protocol action flow-direction';
const customRecord = (port: number) => `i-0abc1234def567890 10.0.1.5 198.51.100.7 ${port} 443 6 REJECT egress`;

const CTX = { inputId: 'vpc', receivedAt: new Date('2026-11-20T12:00:00Z'), keepOriginal: false };

function read(lines: string[], format: LineFormat, state: FileLineState = {}) {
  return lines.flatMap((text, i) => lineResults({ text, raw: Buffer.from(text), position: `1:2:${i}` }, format, CTX, 'UTC', state));
}

describe('file lines as VPC flow logs', () => {
  it.each(['vpcflow', 'auto'] as const)('%s: the header line gives no event and names the fields of the records after it', (format) => {
    const results = read([CUSTOM_HEADER, customRecord(50000), customRecord(50001)], format);
    expect(results).toHaveLength(2);
    const [a, b] = results.map((r) => (r.ok ? r.event : undefined)) as EcsEvent[];
    expect(a?.source).toMatchObject({ ip: '10.0.1.5', port: 50000 });
    expect(a?.destination).toMatchObject({ ip: '198.51.100.7', port: 443 });
    expect(a?.event).toMatchObject({ category: ['network'], outcome: 'failure' });
    expect(a?.network).toMatchObject({ direction: 'egress', iana_number: '6', transport: 'tcp' });
    expect(a?.cloud).toMatchObject({ instance: { id: 'i-0abc1234def567890' } });
    expect(b?.source).toMatchObject({ port: 50001 });
    // Two records, two ids.
    expect(a?.vigil?.id).not.toBe(b?.vigil?.id);
  });

  it.each(['vpcflow', 'auto'] as const)('%s: without a header, the default format is read by its layout', (format) => {
    const [r] = read([DEFAULT_RECORD], format);
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    expect(r.event.source).toMatchObject({ ip: '172.31.16.139', port: 20641, packets: 20, bytes: 4249 });
    expect(r.event['@timestamp']).toBe('2014-12-14T04:07:50.000Z');
    expect(r.event.cloud).toMatchObject({ account: { id: '123456789010' } });
  });

  it('a record whose field count differs from its header is a dead letter that says so', () => {
    const [r] = read([CUSTOM_HEADER, DEFAULT_RECORD], 'vpcflow');
    expect(r).toMatchObject({ ok: false, code: 'PARSE_RECORD_SHAPE', raw: DEFAULT_RECORD });
    expect(r?.ok === false && r.reason).toMatch(/14 fields, its header names 8/);
  });

  it('format vpcflow: a line that is no record is a dead letter; auto keeps it as a text event', () => {
    const line = 'this is not a flow log';
    const [dead] = read([line], 'vpcflow');
    expect(dead).toMatchObject({ ok: false, code: 'PARSE_RECORD_SHAPE', raw: line });
    expect(dead?.ok === false && dead.reason).toMatch(/not a VPC flow log record: 6 fields, no header line before it/);
    const [text] = read([line], 'auto');
    expect(text?.ok && text.event.message).toBe(line);
  });

  it('a later header line changes the format for the lines after it', () => {
    const results = read([DEFAULT_HEADER, DEFAULT_RECORD, CUSTOM_HEADER, customRecord(40000)], 'vpcflow');
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results[1]?.ok && results[1].event.source?.port).toBe(40000);
  });
});

describe('file input reading VPC flow log files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-vpcflow-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A publisher that keeps what it was sent; the file input's Kafka path is covered by test/integration/file-tail.test.ts. */
  function recorder(): { publisher: Publisher; events: EcsEvent[]; dead: OutRecord[] } {
    const events: EcsEvent[] = [];
    const dead: OutRecord[] = [];
    return {
      events,
      dead,
      publisher: {
        send: (topic, records) => {
          if (topic === 'events') for (const r of records) events.push(JSON.parse(r.value.toString('utf8')) as EcsEvent);
          else dead.push(...records);
          return Promise.resolve();
        },
      },
    };
  }

  async function readOnce(file: string, stateFile: string) {
    const rec = recorder();
    const input = await startFileInput(withFileDefaults({ id: 'vpc-files', paths: [file], mode: 'read', format: 'vpcflow', stateFile }), {
      publisher: rec.publisher,
      eventsTopic: 'events',
      deadletterTopic: 'dead',
    });
    await input.firstPass();
    await input.close();
    return rec;
  }

  it('reads a file with a header line, and after a restart reads appended records with that header', async () => {
    const file = join(dir, '123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20261120T1200Z_hash.log');
    const stateFile = join(dir, 'state.json');
    await writeFile(file, `${CUSTOM_HEADER}\n${customRecord(50000)}\n${customRecord(50001)}\n`);
    const first = await readOnce(file, stateFile);
    expect(first.dead).toEqual([]);
    expect(first.events.map((e) => e.source?.port)).toEqual([50000, 50001]);
    expect(first.events[0]?.log).toMatchObject({ file: { path: file } });

    // The checkpoint is past the header now: the header must still apply to the new lines.
    await appendFile(file, `${customRecord(50002)}\nnot a record\n`);
    const second = await readOnce(file, stateFile);
    expect(second.events.map((e) => e.source?.port)).toEqual([50002]);
    expect(second.events[0]?.network).toMatchObject({ direction: 'egress' });
    expect(second.dead).toHaveLength(1);
    const dead = JSON.parse((second.dead[0] as OutRecord).value.toString('utf8')) as { reason: string };
    expect(dead.reason).toMatch(/header names 8/);
  });
});
