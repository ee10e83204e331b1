/**
 * Compiled template JSON against the slow way (fill the tree, build the object, JSON.stringify)
 * on records of one template whose values change kind from record to record, a value that is a
 * key (Data Name from a substitution), integer keys, a nested template instance and an array
 * value that repeats its element: each record's text is the slow way's, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { BinXmlReader } from './binxml.js';
import { toEvtxDumpJson } from './json.js';
import { RecordJson } from './record-json.js';
import { Bytes, FILETIME, le16, le32, str } from '../../../test/support/evtx-bytes.js';

const NULL: [number, Buffer] = [0x00, Buffer.alloc(0)];

/** <Event><System><EventID/><TimeCreated SystemTime/></System><EventData>…</EventData></Event>, EventData a BinXML value (sub 2). */
function outer(t: Bytes): void {
  t.open('Event', { dep: true }).closeStart();
  t.open('System', { dep: true }).closeStart();
  t.open('EventID', { dep: true }).closeStart().sub(0, 0x06).end();
  t.open('TimeCreated', { attrs: true, dep: true }).attr('SystemTime').sub(1, 0x11, true).empty();
  t.end();
  t.sub(2, 0x21, true);
  t.end();
}

/**
 * <EventData><Data Name="First" or Name=(sub 0)>sub 1</Data><Data Name="1">sub 2</Data>
 * <Data Name="Count" dependency sub 3>sub 3</Data><Data Name="Both">(sub 1) and sub 4</Data></EventData>
 */
const inner =
  (keyed: boolean) =>
  (t: Bytes): void => {
    t.open('EventData', { dep: true }).closeStart();
    t.open('Data', { attrs: true, dep: true }).attr('Name');
    (keyed ? t.sub(0, 0x01, true) : t.text('First')).closeStart().sub(1, 0x01, true).end();
    t.open('Data', { attrs: true, dep: true }).attr('Name').text('1').closeStart().sub(2, 0x01, true).end();
    t.open('Data', { attrs: true, dep: 3 }).attr('Name').text('Count').closeStart().sub(3, 0x08, true).end();
    t.open('Data', { attrs: true, dep: true })
      .attr('Name')
      .text('Both')
      .closeStart()
      .text('(')
      .sub(1, 0x01)
      .text(') and ')
      .sub(4, 0x08)
      .end();
    t.end();
  };

/** A record of the outer template (defined by `first`) whose EventData is an instance of the inner one with `values`. */
function record(
  b: Bytes,
  outerDef: number,
  defs: { inner?: number; keyed: boolean },
  values: [number, Buffer][],
): { start: number; end: number } {
  const start = b.pos;
  // Fragment header 4, instance by reference 10, value count 4, three value sizes 12, EventID 2, FILETIME 8.
  const nestedAt = start + 40;
  // The nested fragment is built where it will lie, as its template's offsets are chunk offsets.
  const nested = new Bytes();
  nested.pos = nestedAt;
  nested.fragmentHeader();
  defs.inner = nested.instance(defs.inner ?? inner(defs.keyed), values);
  nested.eof();
  b.fragmentHeader();
  b.instance(outerDef, [
    [0x06, le16(4624)],
    [0x11, FILETIME],
    [0x21, nested.buf.subarray(nestedAt, nested.pos)],
  ]);
  b.eof();
  nested.buf.copy(b.buf, nestedAt, nestedAt, nested.pos);
  return { start, end: b.pos };
}

describe('compiled template JSON', () => {
  /** The records' texts, each checked against the slow way's. */
  function texts(keyed: boolean): { got: string[]; counts: RecordJson['counts'] } {
    const { reader, spans } = records(keyed);
    const render = new RecordJson();
    const got = spans.map(({ start, end }) => {
      const text = render.text(reader.readRecord(start, end));
      expect(text).toBe(JSON.stringify(toEvtxDumpJson(reader.read(start, end))));
      return text;
    });
    return { got, counts: render.counts };
  }

  /** The records' objects, each checked against the slow way's (same keys in the same order, same values). */
  function objects(keyed: boolean): { got: unknown[]; counts: RecordJson['objectCounts'] } {
    const { reader, spans } = records(keyed);
    const render = new RecordJson();
    const got = spans.map(({ start, end }) => {
      const object = render.event(reader.readRecord(start, end));
      const want = toEvtxDumpJson(reader.read(start, end));
      expect(object).toEqual(want);
      expect(JSON.stringify(object)).toBe(JSON.stringify(want));
      return object;
    });
    return { got, counts: render.objectCounts };
  }

  /** The first record (defining the outer template) and seven of the outer template with EventData of the inner one. */
  function records(keyed: boolean): { reader: BinXmlReader; spans: { start: number; end: number }[] } {
    const b = new Bytes();
    // The first record defines the outer template, its EventData null (left out).
    const first = { start: b.pos, end: 0 };
    b.fragmentHeader();
    const outerDef = b.instance(outer, [[0x06, le16(4624)], [0x11, FILETIME], NULL]);
    b.eof();
    first.end = b.pos;
    const defs: { inner?: number; keyed: boolean } = { keyed };
    const rows: [number, Buffer][][] = [
      [
        [0x01, str('Alpha')],
        [0x01, str('x')],
        [0x01, str('one')],
        [0x08, le32(7)],
        [0x08, le32(8)],
      ],
      [[0x01, str('Beta')], [0x01, str('y "quoted"\n')], [0x01, str('')], NULL, [0x08, le32(9)]],
      [[0x01, str('Alpha')], [0x01, str('')], NULL, [0x08, le32(0)], [0x08, le32(1)]],
      [
        [0x01, str('Alpha')],
        [0x01, str('z')],
        [0x01, str('two')],
        [0x08, le32(3)],
        [0x08, le32(4)],
      ],
      [[0x01, str('Delta')], [0x01, str('w')], [0x01, str('')], NULL, [0x08, le32(10)]],
      [[0x01, str('Alpha')], [0x01, str('')], NULL, [0x08, le32(11)], [0x08, le32(12)]],
      [
        [0x01, str('Gamma')],
        [0x81, Buffer.from('a\0b\0', 'utf16le')],
        [0x01, str('three')],
        [0x08, le32(5)],
        [0x08, le32(6)],
      ],
    ];
    const spans = [first, ...rows.map((values) => record(b, outerDef, defs, values))];
    return { reader: new BinXmlReader(b.buf), spans };
  }

  it('gives every record the text the slow way gives, whatever kinds its values change to', () => {
    const { got, counts } = texts(false);
    // Records 4, 5 and 6 have the kinds of 1, 2 and 3: written from the compiled JSON.
    expect(counts).toEqual({ compiled: 3, slow: 5 });
    expect(JSON.parse(got[0] as string)).toEqual({
      Event: { System: { EventID: 4624, TimeCreated: { '#attributes': { SystemTime: '2016-07-08T18:12:51.6816408Z' } } } },
    });
    // The key from a substitution, the integer key first (as a JavaScript object orders it), a
    // null dependency leaving its element out, and text joined around a value.
    expect(JSON.parse(got[2] as string)).toEqual({
      Event: {
        System: { EventID: 4624, TimeCreated: { '#attributes': { SystemTime: '2016-07-08T18:12:51.6816408Z' } } },
        EventData: { '1': '', First: 'y "quoted"\n', Both: '(y "quoted"\n) and 9' },
      },
    });
    expect(got[4]).toBe(
      '{"Event":{"System":{"EventID":4624,"TimeCreated":{"#attributes":{"SystemTime":"2016-07-08T18:12:51.6816408Z"}}},' +
        '"EventData":{"1":"two","First":"z","Count":3,"Both":"(z) and 4"}}}',
    );
    // The array of two repeats its Data element: one key, both items.
    expect(JSON.parse(got[7] as string).Event.EventData.First).toEqual(['a', 'b']);
  });

  it('writes keys that come from values (Data Name from a substitution) as the slow way does', () => {
    const { got, counts } = texts(true);
    expect(counts.compiled).toBe(0);
    expect(JSON.parse(got[2] as string).Event.EventData.Beta).toBe('y "quoted"\n');
    expect(Object.keys(JSON.parse(got[4] as string).Event.EventData)).toEqual(['1', 'Alpha', 'Count', 'Both']);
    expect(JSON.parse(got[7] as string).Event.EventData.Gamma).toEqual(['a', 'b']);
  });

  it("builds every record's object as the slow way does, repeated kinds from a compiled function", () => {
    const { got, counts } = objects(false);
    // As for the text: records 4, 5 and 6 repeat the kinds of 1, 2 and 3.
    expect(counts).toEqual({ compiled: 3, slow: 5 });
    const text = texts(false).got;
    for (const [i, o] of got.entries()) expect(JSON.stringify(o), `record ${i}`).toBe(text[i]);
    const data = (got[4] as { Event: { EventData: Record<string, unknown> } }).Event.EventData;
    expect(data).toEqual({ '1': 'two', First: 'z', Count: 3, Both: '(z) and 4' });
    expect(Object.keys(data)).toEqual(['1', 'First', 'Count', 'Both']);
  });

  it('builds each record its own object, and keys that come from values the slow way', () => {
    const { got } = objects(false);
    // Records 1 and 4 share a compiled function: the objects are distinct, not one object refilled.
    const [one, four] = [got[1], got[4]] as { Event: { EventData: Record<string, unknown> } }[];
    expect(one?.Event.EventData).not.toBe(four?.Event.EventData);
    expect(one?.Event.EventData.First).toBe('x');
    expect(four?.Event.EventData.First).toBe('z');
    const keyed = objects(true);
    expect(keyed.counts.compiled).toBe(0);
    expect(Object.keys((keyed.got[4] as { Event: { EventData: object } }).Event.EventData)).toEqual(['1', 'Alpha', 'Count', 'Both']);
  });
});
