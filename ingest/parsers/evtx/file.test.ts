/**
 * The reader on a real Security log (test/fixtures/evtx/README.md), record for record against
 * evtx_dump's output saved beside it (regenerate with scripts/evtx-fixtures.py), and on damaged copies of it: a chunk whose CRC32 fails is
 * reported with its offset and skipped, every other chunk is read; nothing throws.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticEvtx } from '../../../test/support/evtx-synthetic.js';
import { chunkRecords, readEvtxFile, type EvtxBuild, type EvtxItem } from './file.js';
import { RecordJson } from './record-json.js';

const FIXTURES = new URL('../../../test/fixtures/evtx/', import.meta.url);
const SAMPLE = new URL('security.evtx', FIXTURES).pathname;
const ORIGINAL = readFileSync(SAMPLE);

/** evtx_dump's documents for the sample, one per record in file order (`evtx_dump -t 1 -o jsonl`). */
const REFERENCE: { recordId: number; event: unknown }[] = gunzipSync(readFileSync(new URL('security.evtx_dump.jsonl.gz', FIXTURES)))
  .toString('utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => {
    const event = JSON.parse(l) as { Event: { System: { EventRecordID: number } } };
    return { recordId: event.Event.System.EventRecordID, event };
  });

const dir = mkdtempSync(join(tmpdir(), 'vigil-evtx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(bytes: Buffer, build?: EvtxBuild): Promise<EvtxItem[]> {
  const file = join(dir, `copy-${Math.random().toString(36).slice(2)}.evtx`);
  writeFileSync(file, bytes);
  const out: EvtxItem[] = [];
  for await (const item of readEvtxFile(file, { build })) out.push(item);
  return out;
}

const CHUNK = 65536;
const chunkAt = (i: number): number => 4096 + i * CHUNK;
const records = (items: EvtxItem[]): Extract<EvtxItem, { kind: 'record' }>[] =>
  items.filter((i): i is Extract<EvtxItem, { kind: 'record' }> => i.kind === 'record');
/** Recomputes a chunk's CRC32s after a change, so that only the BinXML reader can catch it. */
function reseal(copy: Buffer, c: number): void {
  copy.writeUInt32LE(crc32(copy.subarray(c + 512, c + copy.readUInt32LE(c + 48))), c + 52);
  copy.writeUInt32LE(crc32(copy.subarray(c + 128, c + 512), crc32(copy.subarray(c, c + 120))), c + 124);
}
const bad = (items: EvtxItem[]): Extract<EvtxItem, { kind: 'bad' }>[] =>
  items.filter((i): i is Extract<EvtxItem, { kind: 'bad' }> => i.kind === 'bad');
/** Record ids of chunk `i`, from its header (first and last event record id). */
const idsOfChunk = (i: number): [number, number] => [
  Number(ORIGINAL.readBigUInt64LE(chunkAt(i) + 24)),
  Number(ORIGINAL.readBigUInt64LE(chunkAt(i) + 32)),
];

/** evtx_dump's documents for a fixture, one per record in file order. */
const referenceOf = (name: string): unknown[] =>
  gunzipSync(readFileSync(new URL(`${name}.evtx_dump.jsonl.gz`, FIXTURES)))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

describe('.evtx reader against the reference decoder', () => {
  it('reads every record of a real Security log exactly as evtx_dump -o json does', async () => {
    const items = await readAll(ORIGINAL);
    expect(bad(items)).toEqual([]);
    const got = records(items);
    expect(REFERENCE.length).toBeGreaterThan(700);
    expect(got.map((r) => r.recordId)).toEqual(REFERENCE.map((r) => r.recordId));
    for (const [i, r] of got.entries()) expect(r.event, `record ${r.recordId}`).toEqual(REFERENCE[i]?.event);
    // The record header's time, as evtx_dump prints times.
    expect(got[0]?.written).toMatch(/^2016-07-08T18:12:51\.6816408Z$/);
  });

  it('reads the synthetic records (every value type, arrays, dependencies, nested BinXML) as evtx_dump does', async () => {
    // test/support/evtx-synthetic.ts wrote the file (and still writes the same); the reference is what evtx_dump made of it.
    const file = readFileSync(new URL('synthetic.evtx', FIXTURES));
    expect(syntheticEvtx().equals(file)).toBe(true);
    const items = await readAll(file);
    expect(bad(items)).toEqual([]);
    const want = referenceOf('synthetic');
    expect(want).toHaveLength(4);
    expect(records(items).map((r) => r.event)).toEqual(want);
  });

  it('prints every record of both samples byte for byte as the line evtx_dump -o jsonl prints for it', async () => {
    for (const name of ['security', 'synthetic']) {
      const lines = gunzipSync(readFileSync(new URL(`${name}.evtx_dump.jsonl.gz`, FIXTURES)))
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '');
      // The text made while reading and the object after it, then the object first (as hunt reads) and the text after.
      for (const build of ['json', 'event'] as const) {
        const got = records(await readAll(readFileSync(new URL(`${name}.evtx`, FIXTURES)), build));
        expect(got.length, name).toBe(lines.length);
        for (const [i, r] of got.entries()) {
          const what = `${name} (${build} first) record ${r.recordId}`;
          if (build === 'event') expect(JSON.stringify(r.event), what).toBe(lines[i]);
          expect(r.json, what).toBe(lines[i]);
          expect(JSON.stringify(r.event), what).toBe(lines[i]);
        }
      }
    }
  });

  it("builds the objects of a real log from compiled templates, each equal to the slow way's", () => {
    const render = new RecordJson();
    const got: unknown[] = [];
    for (let i = 0; chunkAt(i) < ORIGINAL.length; i++) {
      const chunk = ORIGINAL.subarray(chunkAt(i), chunkAt(i) + CHUNK);
      for (const item of chunkRecords(chunk, chunkAt(i), i, render, 'event')) if (item.kind === 'record') got.push(item.event);
    }
    expect(got).toEqual(REFERENCE.map((r) => r.event));
    // A Security log repeats a few templates with values of the same kinds: nearly every object comes from a compiled one.
    expect(render.objectCounts.compiled + render.objectCounts.slow).toBe(REFERENCE.length);
    expect(render.objectCounts.compiled).toBeGreaterThan(REFERENCE.length * 0.9);
    // The text was not made for any of them.
    expect(render.counts).toEqual({ compiled: 0, slow: 0 });
  });

  it('skips a chunk whose record data fails its CRC32, names its offset, and reads the other chunks', async () => {
    const copy = Buffer.from(ORIGINAL);
    // Flip bytes inside the third chunk's records, past its header and tables.
    for (let k = 0; k < 16; k++) copy[chunkAt(2) + 2000 + k] ^= 0xff;
    const items = await readAll(copy);
    expect(bad(items)).toEqual([
      { kind: 'bad', offset: chunkAt(2), chunk: 2, reason: expect.stringMatching(/^chunk 2 skipped: record data CRC32/) },
    ]);
    const [first, last] = idsOfChunk(2);
    const want = REFERENCE.filter((r) => r.recordId < first || r.recordId > last);
    expect(records(items).map((r) => r.recordId)).toEqual(want.map((r) => r.recordId));
    expect(records(items).map((r) => r.event)).toEqual(want.map((r) => r.event));
  });

  it('skips a chunk whose header fails its CRC32', async () => {
    const copy = Buffer.from(ORIGINAL);
    copy.writeUInt32LE(0xdeadbeef, chunkAt(5) + 48); // free space offset
    const items = await readAll(copy);
    expect(bad(items).map((b) => [b.offset, b.reason.replace(/ 0x[0-9a-f]+/g, '')])).toEqual([
      [chunkAt(5), 'chunk 5 skipped: chunk header CRC32 is not the stored'],
    ]);
    const [first, last] = idsOfChunk(5);
    expect(records(items)).toHaveLength(REFERENCE.filter((r) => r.recordId < first || r.recordId > last).length);
  });

  it('reads on past a bad file header, and reports a file cut inside a chunk', async () => {
    const copy = Buffer.from(ORIGINAL.subarray(0, chunkAt(7) + 1000));
    copy[20] ^= 1; // the last chunk number, under the header CRC
    const items = await readAll(copy);
    expect(bad(items).map((b) => [b.offset, b.reason])).toEqual([
      [0, expect.stringMatching(/^file header CRC32 0x[0-9a-f]+ is not the stored/)],
      [chunkAt(7), 'the file ends inside a chunk (1000 of 65536 bytes)'],
    ]);
    expect(records(items)).toHaveLength(REFERENCE.filter((r) => r.recordId < idsOfChunk(7)[0]).length);
  });

  it('reports a record whose BinXML is broken (CRC32 recomputed) and reads the rest of its chunk', async () => {
    const copy = Buffer.from(ORIGINAL);
    const c = chunkAt(1);
    // The second record of the chunk: its first BinXML token (fragment header 0x0f) becomes an unknown token.
    const second = c + 512 + copy.readUInt32LE(c + 512 + 4);
    expect(copy[second + 24]).toBe(0x0f);
    copy[second + 24] = 0x1f;
    reseal(copy, c);
    const items = await readAll(copy);
    const brokenId = Number(copy.readBigUInt64LE(second + 8));
    expect(bad(items)).toEqual([
      {
        kind: 'bad',
        offset: second,
        chunk: 1,
        reason: `record ${brokenId}: unknown BinXML token 0x1f at 0x${(second - c + 24).toString(16)}`,
      },
    ]);
    expect(records(items).map((r) => r.recordId)).toEqual(REFERENCE.map((r) => r.recordId).filter((id) => id !== brokenId));
  });

  it('never throws on random damage that keeps the CRC32 right', async () => {
    let seed = 17;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const one = Buffer.from(ORIGINAL.subarray(0, chunkAt(1)));
    let reported = 0;
    for (let round = 0; round < 60; round++) {
      const copy = Buffer.from(one);
      for (let k = 0; k < 1 + rand(8); k++) copy[chunkAt(0) + 512 + rand(CHUNK - 512)] = rand(256);
      reseal(copy, chunkAt(0));
      const items = await readAll(copy);
      reported += bad(items).length;
      for (const b of bad(items)) expect(b.offset).toBeGreaterThanOrEqual(chunkAt(0));
    }
    expect(reported).toBeGreaterThan(0);
  });

  it('reports a file that is not .evtx', async () => {
    expect(await readAll(Buffer.from('{"not":"evtx"}\n'))).toEqual([
      { kind: 'bad', offset: 0, reason: 'not an .evtx file (no ElfFile signature)' },
    ]);
  });
});
