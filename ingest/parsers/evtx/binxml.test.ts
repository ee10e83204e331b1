/**
 * The BinXML token reader on byte sequences built by hand, token by token as MS-EVEN6 §2.2.12
 * lays them out: template definitions inline and by reference, every substitution value type,
 * nested BinXML, the literal tokens (value text, CDATA, character and entity references), and
 * broken input that must be an EvtxFormatError, never another exception.
 */
import { describe, expect, it } from 'vitest';
import { BinXmlReader } from './binxml.js';
import { EvtxFormatError } from './errors.js';
import { toEvtxDumpJson } from './json.js';

import { Bytes, FILETIME, GUID, SID, SYSTEMTIME, le16, le32, le64, str } from '../../../test/support/evtx-bytes.js';

const read = (b: Bytes, start = 512): unknown => toEvtxDumpJson(new BinXmlReader(b.buf).read(start, b.pos));

/** <Event xmlns="…"><System><Provider Name=…/><EventID>…</EventID>…</System><EventData>…</EventData></Event> */
function eventTemplate(b: Bytes, data: [name: string, sub: number, type: number][]): void {
  b.open('Event', { attrs: true, dep: true }).attr('xmlns').text('http://schemas.microsoft.com/win/2004/08/events/event').closeStart();
  b.open('System', { dep: true }).closeStart();
  b.open('Provider', { attrs: true, dep: true }).attr('Name', true).sub(0, 0x01).attr('Guid').sub(1, 0x0f, true).empty();
  b.open('EventID', { dep: true }).closeStart().sub(2, 0x06).end();
  b.open('TimeCreated', { attrs: true, dep: true }).attr('SystemTime').sub(3, 0x11).empty();
  b.open('Security', { attrs: true, dep: true }).attr('UserID').sub(4, 0x13, true).empty();
  b.end();
  b.open('EventData', { dep: true }).closeStart();
  for (const [name, sub, type] of data)
    b.open('Data', { attrs: true, dep: true }).attr('Name').text(name).closeStart().sub(sub, type, true).end();
  b.end().end();
}

describe('BinXML reader', () => {
  it('fills an inline template with typed values as evtx_dump writes them', () => {
    const b = new Bytes();
    b.fragmentHeader();
    b.instance(
      (t) =>
        eventTemplate(t, [
          ['Count', 5, 0x08],
          ['LogonId', 6, 0x15],
          ['Blob', 7, 0x0e],
          ['Names', 8, 0x81],
          ['When', 9, 0x12],
          ['Flag', 10, 0x0d],
          ['Delta', 11, 0x07],
          ['Ratio', 12, 0x0c],
          ['Size', 13, 0x10],
          ['Mask', 14, 0x14],
          ['Missing', 15, 0x01],
          ['Single', 16, 0x0b],
          ['Sids', 17, 0x93],
        ]),
      [
        [0x01, str('Microsoft-Windows-Security-Auditing')],
        [0x0f, GUID],
        [0x06, le16(4624)],
        [0x11, FILETIME],
        [0x13, SID],
        [0x08, le32(4000000000)],
        [0x15, le64(0x3e7n)],
        [0x0e, Buffer.from([0xde, 0xad, 0x01])],
        [0x81, Buffer.from('a\0bc\0', 'utf16le')],
        [0x12, SYSTEMTIME],
        [0x0d, le32(1)],
        [0x07, le32(-2 >>> 0)],
        [0x0c, Buffer.from(new Float64Array([0.5]).buffer)],
        [0x10, le64(0x10n)],
        [0x14, le32(0x80)],
        [0x00, Buffer.alloc(0)],
        [0x0b, Buffer.from(new Float32Array([0.1]).buffer)],
        [0x93, Buffer.concat([SID, Buffer.from([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0])])],
      ],
    );
    b.eof();
    expect(read(b)).toEqual({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' } },
          EventID: 4624,
          TimeCreated: { '#attributes': { SystemTime: '2016-07-08T18:12:51.6816408Z' } },
          Security: { '#attributes': { UserID: 'S-1-5-21-1-2-3-500' } },
        },
        EventData: {
          Count: 4000000000,
          LogonId: '0x3e7',
          Blob: 'DEAD01',
          Names: ['a', 'bc'],
          When: '2021-03-04T05:06:07.0890000Z',
          Flag: true,
          Delta: -2,
          Ratio: '0.5',
          Size: '0x10',
          Mask: '0x80',
          Missing: '',
          Single: '0.1',
          Sids: ['S-1-5-21-1-2-3-500', 'S-1-5-18'],
        },
      },
    });
  });

  it('reuses a template by offset, drops absent optional attributes, and makes empty elements null', () => {
    const b = new Bytes();
    b.fragmentHeader();
    const def = b.instance(
      (t) => eventTemplate(t, []),
      [
        [0x01, str('A')],
        [0x0f, GUID],
        [0x06, le16(1)],
        [0x11, FILETIME],
        [0x13, SID],
      ],
    );
    b.eof();
    const second = b.pos;
    b.fragmentHeader();
    b.instance(def, [
      [0x01, str('B')],
      [0x00, Buffer.alloc(0)],
      [0x06, le16(2)],
      [0x11, FILETIME],
      [0x00, Buffer.alloc(0)],
    ]);
    b.eof();
    expect(read(b, second)).toEqual({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'B' } },
          EventID: 2,
          TimeCreated: { '#attributes': { SystemTime: '2016-07-08T18:12:51.6816408Z' } },
          Security: null,
        },
        EventData: null,
      },
    });
  });

  it('reads nested BinXML in a substitution (UserData) and repeated element names', () => {
    const b = new Bytes();
    const start = b.pos;
    // The value's size is known only once the nested fragment is written: its descriptor is patched.
    b.fragmentHeader();
    b.u8(0x0c).u8(1).u32(1);
    const def = b.pos + 4;
    b.u32(def).u32(0).raw(Buffer.alloc(16));
    const sizeField = b.pos;
    b.u32(0);
    const defStart = b.pos;
    b.fragmentHeader();
    b.open('Event', { dep: true }).closeStart().open('UserData', { dep: true }).closeStart().sub(0, 0x21).end().end().eof();
    b.buf.writeUInt32LE(b.pos - defStart, sizeField);
    b.u32(1);
    const descriptor = b.pos;
    b.u16(0).u8(0x21).u8(0);
    const valueStart = b.pos;
    // Nested elements carry no dependency id.
    b.fragmentHeader();
    b.open('LogFileCleared').closeStart();
    b.open('Header').closeStart().text('one').end();
    b.open('Header').closeStart().text('two').end();
    b.open('Note').closeStart().text('a ').u8(0x49).name('lt').u8(0x48).u16(0x3e).u8(0x47).u16(3).utf16('xyz').end();
    b.end().eof();
    b.buf.writeUInt16LE(b.pos - valueStart, descriptor);
    b.eof();
    expect(read(b, start)).toEqual({
      Event: { UserData: { LogFileCleared: { Header: 'one', Header_1: 'two', Note: 'a <>xyz' } } },
    });
  });

  it('collects unnamed Data elements under Data.#text', () => {
    const b = new Bytes();
    b.fragmentHeader();
    b.instance(
      (t) => {
        t.open('Event', { dep: true }).closeStart().open('EventData', { dep: true }).closeStart();
        for (let i = 0; i < 3; i++) t.open('Data', { dep: true }).closeStart().sub(i, 0x01, true).end();
        t.end().end();
      },
      [
        [0x01, str('x')],
        [0x01, Buffer.alloc(0)],
        [0x01, str('z')],
      ],
    );
    b.eof();
    expect(read(b)).toEqual({ Event: { EventData: { Data: { '#text': ['x', '', 'z'] } } } });
  });

  it.each([
    ['an unknown token', (b: Bytes) => b.fragmentHeader().u8(0x1f)],
    ['a substitution outside a template', (b: Bytes) => b.fragmentHeader().sub(0, 1)],
    ['an end tag with nothing open', (b: Bytes) => b.fragmentHeader().end()],
    ['an element left open', (b: Bytes) => b.fragmentHeader().open('A').closeStart()],
    ['a name offset past the chunk', (b: Bytes) => b.fragmentHeader().u8(0x01).u32(0).u32(0xfffff0)],
    ['a template offset past the chunk', (b: Bytes) => b.fragmentHeader().u8(0x0c).u8(1).u32(0).u32(0xfffff0).u32(0)],
    ['a value type BinXML does not define', (b: Bytes) => void b.instance(() => undefined, [[0x33, Buffer.alloc(4)]])],
    [
      'a SID shorter than its sub-authority count',
      (b: Bytes) => void b.instance(() => undefined, [[0x13, Buffer.from([1, 9, 0, 0, 0, 0, 0, 5])]]),
    ],
  ])('reports %s as an EvtxFormatError', (_name, write) => {
    const b = new Bytes();
    write(b);
    const end = b.pos;
    expect(() => toEvtxDumpJson(new BinXmlReader(b.buf.subarray(0, Math.max(end, 600))).read(512, end))).toThrow(EvtxFormatError);
  });
});
