import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readHuntFile, type HuntRecord } from './readers.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function read(content: string | Buffer, options: { chunkBytes?: number; maxRecordChars?: number } = {}): Promise<HuntRecord[]> {
  const file = join(dir, `f${n++}`);
  writeFileSync(file, content);
  const out: HuntRecord[] = [];
  for await (const r of readHuntFile(file, options)) out.push(r);
  return out;
}
const short = (rs: HuntRecord[]): unknown[] =>
  rs.map((r) => (r.kind === 'event' ? [r.line, r.event] : r.kind === 'line' ? [r.line, r.text] : [r.line, 'bad', r.reason]));

// As `evtx_dump` prints records by default: a `Record N` line, then the record pretty-printed.
const EVTX_DUMP = `Record 1
{
  "Event": {
    "System": { "EventID": 4688, "Computer": "ws-01" },
    "EventData": { "CommandLine": "whoami /priv {\\"x\\"}" }
  }
}
Record 2
{
  "Event": {
    "System": { "EventID": 4624, "Computer": "ws-01" }
  }
}
`;

describe('hunt readers', () => {
  it("reads evtx_dump's default output: pretty-printed records one after another", async () => {
    expect(short(await read(EVTX_DUMP))).toEqual([
      [2, { Event: { System: { EventID: 4688, Computer: 'ws-01' }, EventData: { CommandLine: 'whoami /priv {"x"}' } } }],
      [9, { Event: { System: { EventID: 4624, Computer: 'ws-01' } } }],
    ]);
  });

  it('reads JSON lines and reports the lines that are not JSON objects', async () => {
    expect(short(await read('{"a":1}\nnot json at all\n\n{"b":"}"}\n{"c": broken}\n{"d":\n{"e":5}\n'))).toEqual([
      [1, { a: 1 }],
      [2, 'bad', 'not JSON: not json at all'],
      [4, { b: '}' }],
      [5, 'bad', expect.stringMatching(/^not JSON: /)],
      [6, 'bad', 'not JSON: the record ends before its closing bracket'],
      [7, { e: 5 }],
    ]);
  });

  it('reads the objects of an array, on one line or pretty-printed, and CloudTrail Records', async () => {
    expect(short(await read('[{"a":1},{"b":[2,{"c":3}]}]'))).toEqual([
      [1, { a: 1 }],
      [1, { b: [2, { c: 3 }] }],
    ]);
    expect(short(await read('[\n  {\n    "a": 1\n  },\n  {\n    "b": 2\n  }\n]\n'))).toEqual([
      [2, { a: 1 }],
      [5, { b: 2 }],
    ]);
    expect(short(await read('{"Records":[{"eventName":"A"},{"eventName":"B"}]}'))).toEqual([
      [1, { eventName: 'A' }],
      [1, { eventName: 'B' }],
    ]);
  });

  it('reads gzip files, whatever their name', async () => {
    expect(short(await read(gzipSync('{"a":1}\n{"a":2}\n')))).toEqual([
      [1, { a: 1 }],
      [2, { a: 2 }],
    ]);
    expect(short(await read(gzipSync('<13>Jan  1 00:00:00 host app: hi\nsecond\n')))).toEqual([
      [1, '<13>Jan  1 00:00:00 host app: hi'],
      [2, 'second'],
    ]);
  });

  it('gives the same records whatever the chunk boundaries (escapes, strings and brackets cut in two)', async () => {
    const text = `${EVTX_DUMP}{"q":"a\\\\\\"}{","r":"\\\\"}\n[{"x":"]"}]\n{"multi":"byte ü 😀"}\n`;
    const whole = await read(text);
    expect(whole).toHaveLength(5);
    for (const chunkBytes of [1, 2, 3, 7, 13]) expect(await read(text, { chunkBytes })).toEqual(whole);
  });

  it('reads a JSON line whole as the bracket scan reads it (lines cut in one-byte chunks never arrive whole)', async () => {
    const text = [
      '{"a":1}\r',
      '  {"b":{"c":"}"}}  ',
      '{"x":1} {"y":2}',
      '{"x":1}}',
      '{"z":"no end"',
      '{"Records":[{"eventName":"A"},7,{"eventName":"B"}]}',
      '{"q":"\\\\"} tail',
      `{"long":"${'x'.repeat(200)}"}`,
      '{"last":true}',
    ].join('\n');
    const whole = await read(`${text}\n`, { maxRecordChars: 100 });
    expect(short(whole)).toEqual([
      [1, { a: 1 }],
      [2, { b: { c: '}' } }],
      [3, { x: 1 }],
      [3, { y: 2 }],
      [4, { x: 1 }],
      [4, 'bad', 'not JSON: }'],
      [5, 'bad', 'not JSON: the record ends before its closing bracket'],
      [6, { eventName: 'A' }],
      [6, { eventName: 'B' }],
      [7, { q: '\\' }],
      [7, 'bad', 'not JSON: tail'],
      [8, 'bad', 'a record longer than 100 characters'],
      [9, { last: true }],
    ]);
    // In one-byte chunks every line goes through the scan (less the cut-short line: the scan
    // sees the next line's bracket only when it is in the same chunk as the newline).
    const scannable = text.replace('{"z":"no end"\n', '');
    expect(await read(`${scannable}\n`, { maxRecordChars: 100, chunkBytes: 1 })).toEqual(
      await read(`${scannable}\n`, { maxRecordChars: 100 }),
    );
  });

  it('skips a record larger than the limit, says where, and reads on', async () => {
    const big = `{"a":"${'x'.repeat(500)}"}`;
    expect(short(await read(`${big}\n{"b":1}\n`, { maxRecordChars: 100, chunkBytes: 64 }))).toEqual([
      [1, 'bad', 'a record longer than 100 characters'],
      [2, { b: 1 }],
    ]);
  });

  it('reports a file that ends inside a value', async () => {
    expect(short(await read('{"a":1}\n{"b":\n  2'))).toEqual([
      [1, { a: 1 }],
      [2, 'bad', 'not JSON: the file ends inside a value'],
    ]);
  });
});
