import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesResults, cloudWatchResults } from './cloudwatch.js';
import { ecsProblems } from './ecs-check.js';
import { isVpcFlowLine, normalizeVpcFlowLine, vpcFlowHeader } from './vpcflow.js';

const ctx = { inputId: 'unit', receivedAt: new Date('2026-11-20T12:00:00.000Z'), keepOriginal: true };
const DEFAULT_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const LINE = '2 123456789010 eni-0a1b2c3d4e5f60718 10.0.1.25 10.0.2.40 49152 22 6 20 4249 1795166043 1795166103 ACCEPT OK';

describe('VPC flow log records', () => {
  it('reads a default-format line without a header', () => {
    const r = normalizeVpcFlowLine(LINE, ctx);
    expect(r).toMatchObject({ ok: true, event: { source: { ip: '10.0.1.25' }, event: { dataset: 'aws.vpcflow', outcome: 'success' } } });
  });

  it('takes a header line as the format of the lines after it, and gives it no event', () => {
    const text = [
      'dstaddr srcaddr dstport srcport protocol action log-status interface-id end',
      '10.0.2.40 10.0.1.25 22 49152 6 ACCEPT OK eni-0a1b 1795166103',
    ].join('\n');
    const results = bytesResults(Buffer.from(text), ctx, 'aws.firehose');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      ok: true,
      event: {
        source: { ip: '10.0.1.25', port: 49152 },
        destination: { ip: '10.0.2.40', port: 22 },
        '@timestamp': '2026-11-20T09:15:03.000Z',
      },
    });
  });

  it('reads a gzipped S3-style object (header, then records)', () => {
    const results = bytesResults(gzipSync(`${DEFAULT_HEADER}\n${LINE}\n${LINE.replace('ACCEPT', 'REJECT')}\n`), ctx, 'aws.firehose');
    expect(results.map((r) => r.ok && r.event.event?.outcome)).toEqual(['success', 'failure']);
  });

  it('dead-letters a line whose field count is not its header’s, with the raw line and the reason', () => {
    const short = '2 123456789010 eni-0a1b 10.0.1.25';
    const results = bytesResults(Buffer.from(`${DEFAULT_HEADER}\n${short}`), ctx, 'aws.firehose');
    expect(results).toEqual([
      { ok: false, code: 'PARSE_RECORD_SHAPE', reason: 'VPC flow log record has 4 fields, its header names 14', raw: short },
    ]);
  });

  it('leaves text that only resembles a flow record to the text reader', () => {
    const lookalike = '2 123456789010 not-an-eni 10.0.1.25 10.0.2.40 1 2 6 1 1 1 1 ACCEPT OK';
    expect(isVpcFlowLine(lookalike)).toBe(false);
    const [r] = bytesResults(Buffer.from(lookalike), ctx, 'aws.firehose');
    expect(r).toMatchObject({ ok: true, event: { event: { dataset: 'aws.firehose' }, message: lookalike } });
    expect(vpcFlowHeader('start end action of the day')).toBeUndefined();
  });

  it('reads a flow record delivered as a CloudWatch Logs event, keeping the log group', () => {
    const doc = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789010',
      logGroup: 'vpc-flow',
      logStream: 'eni-0a1b2c3d4e5f60718-all',
      logEvents: [{ id: '1', timestamp: 1795166103000, message: LINE }],
    };
    const [r] = cloudWatchResults(doc, ctx);
    expect(r).toMatchObject({
      ok: true,
      event: {
        event: { dataset: 'aws.vpcflow' },
        aws: { cloudwatch: { log_group: 'vpc-flow' }, vpcflow: { interface_id: 'eni-0a1b2c3d4e5f60718' } },
      },
    });
  });

  it.each([
    ['ports and counts out of range', '2 123456789010 eni-0a1b 10.0.1.25 10.0.2.40 99999 -5 6 x 1e9 now later ACCEPT OK'],
    ['addresses that are not addresses', '2 123456789010 eni-0a1b 10.0.1.999 fe80::zz 1 2 6 1 1 1 1 ACCEPT OK'],
  ])('never throws on %s', (_n, line) => {
    expect(() => bytesResults(Buffer.from(`${DEFAULT_HEADER}\n${line}`), ctx, 'aws.firehose')).not.toThrow();
    const [r] = bytesResults(Buffer.from(`${DEFAULT_HEADER}\n${line}`), ctx, 'aws.firehose');
    expect(r?.ok).toBe(true);
  });
});

describe('VPC flow log records with damaged fields', () => {
  // A small seeded generator: the same cases every run.
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const NOISE = ['-', '', '0', '99999999999999999999', '::', 'NaN', 'ACCEPT', 'eni-', '10.0.0.256', 'fe80::1%eth0', '\u0000', 'ǅ'];
  const damaged = Array.from({ length: 300 }, () => {
    const words = LINE.split(' ');
    for (let k = 0; k <= rand(4); k++) words[rand(words.length)] = NOISE[rand(NOISE.length)]!;
    if (rand(5) === 0) words.splice(rand(words.length), 1);
    return words.join(' ');
  });

  it('gives, for every line, an ECS-valid event or a dead letter, with or without a header', () => {
    for (const line of damaged) {
      for (const text of [line, `${DEFAULT_HEADER}\n${line}`]) {
        const results = bytesResults(Buffer.from(text), ctx, 'aws.firehose');
        expect(results.length).toBeGreaterThan(0);
        for (const r of results) {
          if (r.ok) expect(ecsProblems(r.event), line).toEqual([]);
          else expect(r).toMatchObject({ code: 'PARSE_RECORD_SHAPE', raw: line });
        }
      }
    }
  });
});
