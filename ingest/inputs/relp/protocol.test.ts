import { describe, expect, it } from 'vitest';
import {
  encodeCloseResponse,
  encodeFrame,
  encodeResponse,
  formatOffers,
  nextTxnr,
  parseOffers,
  parseResponse,
  RelpDecoder,
  SERVER_CLOSE,
  type Decoded,
} from './protocol.js';

const decoder = (maxDataBytes = 1024, sampleBytes = 16) => new RelpDecoder({ maxDataBytes, sampleBytes });
const frames = (ds: Decoded[]) => ds.map((d) => (d.kind === 'frame' ? [d.frame.txnr, d.frame.command, d.frame.data.toString()] : d));

/** What librelp's omrelp writes on connect (relpsess.c builds the offers, relpframe.c the frame). */
const OFFERS = 'relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog';
const OPEN = `1 open 86 ${OFFERS}\n`;

describe('RelpDecoder', () => {
  it('decodes the frames librelp writes: open with offers, syslog with data, close without', () => {
    const d = decoder();
    const out = d.push(Buffer.from(`${OPEN}2 syslog 11 <13>hello w\n3 close 0\n`));
    expect(frames(out)).toEqual([
      [1, 'open', 'relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog'],
      [2, 'syslog', '<13>hello w'],
      [3, 'close', ''],
    ]);
    expect(d.pendingBytes).toBe(0);
  });

  it('takes data containing LF and spaces by its length, not by delimiters', () => {
    const data = 'a b\nc\n d';
    expect(frames(decoder().push(encodeFrame(7, 'syslog', data)))).toEqual([[7, 'syslog', data]]);
  });

  it('yields the same frames however the stream is split, down to one byte per chunk', () => {
    const stream = Buffer.concat([Buffer.from(OPEN), encodeFrame(2, 'syslog', '<13>first'), encodeFrame(3, 'syslog', 'x'.repeat(300))]);
    const whole = frames(decoder().push(stream));
    expect(whole).toHaveLength(3);
    for (const size of [1, 2, 3, 7, 64]) {
      const d = decoder();
      const out: Decoded[] = [];
      for (let i = 0; i < stream.length; i += size) out.push(...d.push(stream.subarray(i, i + size)));
      expect(frames(out), `chunks of ${size}`).toEqual(whole);
    }
  });

  it('holds back an incomplete frame until its LF arrives', () => {
    const d = decoder();
    expect(d.push(Buffer.from('2 syslog 5 hello'))).toEqual([]);
    expect(d.pendingBytes).toBe(16);
    expect(frames(d.push(Buffer.from('\n')))).toEqual([[2, 'syslog', 'hello']]);
  });

  it('skips the data of an oversized frame as it streams by, keeping a sample, and goes on after it', () => {
    const d = decoder(10, 4);
    const big = encodeFrame(2, 'syslog', '0123456789ABCDEF');
    const out = [...d.push(big.subarray(0, 15)), ...d.push(big.subarray(15)), ...d.push(encodeFrame(3, 'syslog', 'ok'))];
    expect(out[0]).toEqual({ kind: 'oversized', txnr: 2, command: 'syslog', size: 16, sample: Buffer.from('0123') });
    expect(frames(out.slice(1))).toEqual([[3, 'syslog', 'ok']]);
  });

  it.each([
    ['a letter where TXNR starts', 'x syslog 1 a\n', 'TXNR expected, found "x"'],
    ['a TXNR of ten digits', '1234567890 syslog 1 a\n', 'TXNR has more than 9 digits'],
    ['two spaces after TXNR', '1  syslog 1 a\n', 'command expected, found byte 0x20'],
    ['a digit in the command', '1 sys1og 1 a\n', 'space expected after the command, found "1"'],
    ['a command of 33 letters', `1 ${'a'.repeat(33)} 0\n`, 'command longer than 32 letters'],
    ['a DATALEN of ten digits', '1 syslog 1234567890 a\n', 'DATALEN has more than 9 digits'],
    ['no space before DATA', '1 syslog 1a\n', 'space expected after DATALEN, found "a"'],
    ['a space after DATALEN 0', '1 close 0 \n', 'LF expected after DATALEN 0, found byte 0x20'],
    ['data longer than DATALEN', '1 syslog 3 abcd\n', 'frame 1 is not terminated by LF after its 3 data bytes'],
    ['an HTTP request', 'GET / HTTP/1.1\r\n\r\n', 'TXNR expected, found "G"'],
  ])('reports a broken frame with its bytes and decodes nothing after it: %s', (_what, text, reason) => {
    const d = decoder(1024, 64);
    const out = d.push(Buffer.concat([encodeFrame(1, 'syslog', 'good'), Buffer.from(text)]));
    expect(frames(out)).toEqual([[1, 'syslog', 'good'], { kind: 'error', reason, raw: Buffer.from(text) }]);
    expect(d.failed).toBe(true);
    expect(d.push(encodeFrame(2, 'syslog', 'after'))).toEqual([]);
  });

  it('keeps only the first sampleBytes of a broken frame', () => {
    const out = decoder(1024, 4).push(Buffer.from('1 syslog 3 abcdefgh\n'));
    expect(out).toEqual([{ kind: 'error', reason: 'frame 1 is not terminated by LF after its 3 data bytes', raw: Buffer.from('1 sy') }]);
  });

  it('reports an oversized frame whose data is not followed by LF as broken', () => {
    const out = decoder(2, 8).push(Buffer.from('4 syslog 3 abcX'));
    expect(out).toEqual([{ kind: 'error', reason: 'frame 4 is not terminated by LF after its 3 data bytes', raw: Buffer.from('X') }]);
  });
});

describe('frames we write', () => {
  it('are what librelp expects: rsp with code and text, offers after an LF, close and serverclose without data', () => {
    expect(encodeResponse(2, 200, 'OK').toString()).toBe('2 rsp 6 200 OK\n');
    expect(encodeResponse(1, 200, 'OK', 'relp_version=0\ncommands=syslog').toString()).toBe(
      '1 rsp 37 200 OK\nrelp_version=0\ncommands=syslog\n',
    );
    expect(encodeCloseResponse(9).toString()).toBe('9 rsp 0\n');
    expect(SERVER_CLOSE.toString()).toBe('0 serverclose 0\n');
  });

  it('decode back to what was encoded', () => {
    const out = decoder().push(encodeResponse(5, 500, 'command foo not supported'));
    expect(out).toHaveLength(1);
    const [d] = out;
    if (d?.kind !== 'frame') throw new Error('expected a frame');
    expect(d.frame.command).toBe('rsp');
    expect(parseResponse(d.frame.data)).toEqual({ code: 500, text: 'command foo not supported', data: '' });
  });
});

describe('offers', () => {
  it('parse librelp offers, values split at commas, and format back', () => {
    const offers = parseOffers('relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog');
    expect([...offers]).toEqual([
      ['relp_version', ['0']],
      ['relp_software', ['librelp', '1.11.0', 'http://librelp.adiscon.com']],
      ['commands', ['syslog']],
    ]);
    expect(formatOffers(offers)).toBe('relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog');
  });
});

describe('nextTxnr', () => {
  it('counts up and wraps after 999999999 to 1, never 0 (reserved for hints)', () => {
    expect(nextTxnr(1)).toBe(2);
    expect(nextTxnr(999_999_998)).toBe(999_999_999);
    expect(nextTxnr(999_999_999)).toBe(1);
  });
});
