/**
 * A synthetic `.evtx` file whose records use what the real sample does not: every value type,
 * arrays (repeated elements), dependency ids, optional substitutions left empty, nested BinXML,
 * unnamed and repeated `Data`, entity and character references, CDATA, mixed text. Written by
 *
 *   node --import tsx test/support/evtx-synthetic.ts test/fixtures/evtx/synthetic.evtx
 *
 * and read by evtx_dump for the reference beside it (scripts/evtx-fixtures.py reference).
 */
import { writeFileSync } from 'node:fs';
import { Bytes, FILETIME, GUID, SID, SYSTEMTIME, le16, le32, le64, str } from './evtx-bytes.js';

const XMLNS = 'http://schemas.microsoft.com/win/2004/08/events/event';
const f64 = (x: number): Buffer => Buffer.from(new Float64Array([x]).buffer);
const f32 = (x: number): Buffer => Buffer.from(new Float32Array([x]).buffer);
const strings = (...s: string[]): Buffer => Buffer.from(s.map((x) => `${x}\0`).join(''), 'utf16le');

/** `<Event><System><EventID>%0</EventID><Binary dep=1>%1</Binary></System><EventData>…</EventData></Event>` */
function eventTemplate(b: Bytes, data: [name: string, type: number][]): void {
  b.open('Event', { attrs: true, dep: true }).attr('xmlns').text(XMLNS).closeStart();
  b.open('System', { dep: true }).closeStart();
  b.open('Provider', { attrs: true, dep: true }).attr('Name', true).text('Vigil-Synthetic').attr('Guid').sub(2, 0x0f, true).empty();
  b.open('EventID', { dep: true }).closeStart().sub(0, 0x06).end();
  b.open('TimeCreated', { attrs: true, dep: true }).attr('SystemTime').sub(3, 0x11, true).empty();
  b.open('Security', { attrs: true, dep: true }).attr('UserID').sub(4, 0x13, true).empty();
  b.open('Binary', { dep: 1 }).closeStart().sub(1, 0x0e, true).end();
  b.end();
  b.open('EventData', { dep: true }).closeStart();
  data.forEach(([name, type], i) =>
    b
      .open('Data', { attrs: true, dep: true })
      .attr('Name')
      .text(name)
      .closeStart()
      .sub(5 + i, type, true)
      .end(),
  );
  b.end().end();
}

const TYPED: [string, number, Buffer][] = [
  ['AString', 0x01, str('plain "quoted" \\ text')],
  ['Ansi', 0x02, Buffer.from('ansi text\0', 'latin1')],
  ['I8', 0x03, Buffer.from([0xfe])],
  ['U8', 0x04, Buffer.from([0xfe])],
  ['I16', 0x05, le16(0xfffe)],
  ['U16', 0x06, le16(65534)],
  ['I32', 0x07, le32(0xfffffffe)],
  ['U32', 0x08, le32(4000000000)],
  ['I64', 0x09, le64(-5n & 0xffffffffffffffffn)],
  ['U64', 0x0a, le64(9007199254740991n)],
  ['R32', 0x0b, f32(0.1)],
  ['R64', 0x0c, f64(-2.5)],
  ['BoolTrue', 0x0d, le32(1)],
  ['BoolFalse', 0x0d, le32(0)],
  ['Blob', 0x0e, Buffer.from([0xde, 0xad, 0x01])],
  ['Guid', 0x0f, GUID],
  ['Size4', 0x10, le32(0x1000)],
  ['Size8', 0x10, le64(0x1234567890n)],
  ['FileTime', 0x11, FILETIME],
  ['SysTime', 0x12, SYSTEMTIME],
  ['Sid', 0x13, SID],
  ['Hex32', 0x14, le32(0xff)],
  ['Hex64', 0x15, le64(0x8020000000000000n)],
  ['Names', 0x81, strings('first', '', 'third')],
  ['OneName', 0x81, strings('only')],
  ['Numbers', 0x88, Buffer.concat([le32(7), le32(8)])],
  ['Guids', 0x8f, Buffer.concat([GUID, Buffer.alloc(16)])],
  ['Sids', 0x93, Buffer.concat([SID, Buffer.from([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0])])],
  ['Empty', 0x01, Buffer.alloc(0)],
  ['Null', 0x00, Buffer.alloc(0)],
];

export function syntheticEvtx(): Buffer {
  const b = new Bytes();
  let def = 0;
  // 1: every value type, the Binary element kept (its dependency has a value).
  b.record(1, () => {
    b.fragmentHeader();
    def = b.instance(
      (t) =>
        eventTemplate(
          t,
          TYPED.map(([n, ty]) => [n, ty]),
        ),
      [
        [0x06, le16(4624)],
        [0x0e, Buffer.from([1, 2])],
        [0x0f, GUID],
        [0x11, FILETIME],
        [0x13, SID],
        ...TYPED.map(([, ty, v]): [number, Buffer] => [ty, v]),
      ],
    );
    b.eof();
  });
  // 2: the same template by offset: Binary's dependency null (left out), optional values empty.
  b.record(2, () => {
    b.fragmentHeader();
    b.instance(def, [
      [0x06, le16(4625)],
      [0x00, Buffer.alloc(0)],
      [0x00, Buffer.alloc(0)],
      [0x11, FILETIME],
      [0x00, Buffer.alloc(0)],
    ]);
    b.eof();
  });
  // 3: UserData as nested BinXML with its own template; repeated names; references; CDATA.
  b.record(3, () => {
    b.fragmentHeader();
    b.u8(0x0c).u8(1).u32(0x33);
    const d = b.pos + 4;
    b.u32(d).u32(0).raw(Buffer.alloc(16, 3));
    const sizeAt = b.pos;
    b.u32(0);
    const start = b.pos;
    b.fragmentHeader();
    b.open('Event', { dep: true }).closeStart();
    b.open('System', { dep: true }).closeStart().open('EventID', { dep: true }).closeStart().text('104').end().end();
    b.open('UserData', { dep: true }).closeStart().sub(0, 0x21).end();
    b.end().eof();
    b.buf.writeUInt32LE(b.pos - start, sizeAt);
    b.u32(1);
    const descriptor = b.pos;
    b.u16(0).u8(0x21).u8(0);
    const value = b.pos;
    b.fragmentHeader();
    b.u8(0x0c).u8(1).u32(0x44);
    const d2 = b.pos + 4;
    b.u32(d2).u32(0).raw(Buffer.alloc(16, 4));
    const size2 = b.pos;
    b.u32(0);
    const start2 = b.pos;
    b.fragmentHeader();
    b.open('LogFileCleared', { attrs: true, dep: true })
      .attr('xmlns')
      .text('http://manifests.microsoft.com/win/2004/08/windows/eventlog')
      .closeStart();
    b.open('SubjectUserName', { dep: true }).closeStart().sub(0, 0x01).end();
    b.open('Header', { dep: true }).closeStart().text('one').end();
    b.open('Header', { dep: true }).closeStart().text('two').end();
    b.open('Note', { attrs: true, dep: true }).attr('kind').text('a').u8(0x48).u16(0x26).closeStart();
    b.text('x ').u8(0x49).name('lt').u8(0x49).name('amp').u8(0x48).u16(0xe9).u8(0x47).u16(4).utf16('cdat').sub(1, 0x08).end();
    b.open('Count', { dep: true }).closeStart().sub(1, 0x08).end();
    b.open('Mixed', { dep: true }).closeStart().text('n=').sub(1, 0x08).end();
    b.end().eof();
    b.buf.writeUInt32LE(b.pos - start2, size2);
    b.u32(2);
    b.u16(str('admin').length).u8(0x01).u8(0);
    b.u16(4).u8(0x08).u8(0);
    b.raw(str('admin')).raw(le32(42));
    b.buf.writeUInt16LE(b.pos - value, descriptor);
    b.eof();
  });
  // 4: unnamed Data, several and one; an element repeated by an array; a repeated named Data apart.
  b.record(4, () => {
    b.fragmentHeader();
    b.instance(
      (t) => {
        t.open('Event', { dep: true }).closeStart();
        t.open('EventData', { dep: true }).closeStart();
        for (let i = 0; i < 3; i++) t.open('Data', { dep: true }).closeStart().sub(i, 0x01, true).end();
        t.end();
        t.open('UserData', { dep: true }).closeStart().open('Data', { dep: true }).closeStart().sub(3, 0x01).end().end();
        t.open('Items', { dep: true })
          .closeStart()
          .open('Item', { attrs: true, dep: true })
          .attr('n')
          .sub(4, 0x88)
          .closeStart()
          .sub(5, 0x81)
          .end()
          .end();
        t.open('EventData', { dep: true }).closeStart();
        t.open('Data', { attrs: true, dep: true }).attr('Name').text('Dup').closeStart().sub(6, 0x01).end();
        t.open('Data', { attrs: true, dep: true }).attr('Name').text('Other').closeStart().sub(6, 0x01).end();
        t.open('Data', { attrs: true, dep: true }).attr('Name').text('Dup').closeStart().sub(7, 0x07).end();
        t.open('Data', { attrs: true, dep: true }).attr('Name').text('').closeStart().sub(7, 0x07).end();
        t.open('Data', { dep: true }).closeStart().text('unnamed').end();
        t.end();
        t.end();
      },
      [
        [0x01, str('x')],
        [0x01, Buffer.alloc(0)],
        [0x01, str('z')],
        [0x01, str('single')],
        [0x88, Buffer.concat([le32(1), le32(2)])],
        [0x81, strings('a', 'b')],
        [0x01, str('d1')],
        [0x07, le32(-7 >>> 0)],
      ],
    );
    b.eof();
  });
  return b.file();
}

if (process.argv[2]) writeFileSync(process.argv[2], syntheticEvtx());
