import { describe, expect, it } from 'vitest';
import { SyslogFramer, stripTrailers, type Frame } from './framer.js';

/** A frame as the golden tables write it: the message text, or `!CODE raw-text`. */
function show(frames: Frame[]): string[] {
  return frames.map((f) => (f.error ? `!${f.error.code} ${f.raw.toString('latin1')}` : f.raw.toString('latin1')));
}

function run(chunks: Array<string | Buffer>, max = 64, sample = 8): string[] {
  const framer = new SyslogFramer({ maxMessageBytes: max, errorSampleBytes: sample });
  const out: Frame[] = [];
  for (const c of chunks) out.push(...framer.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
  out.push(...framer.end());
  return show(out);
}

describe('SyslogFramer', () => {
  const cases: Array<{ name: string; chunks: string[]; want: string[]; max?: number }> = [
    // LF framing (RFC 6587 §3.4.2)
    { name: 'one LF frame', chunks: ['<13>a\n'], want: ['<13>a'] },
    { name: 'many LF frames in one chunk', chunks: ['<13>a\n<14>b\n<15>c\n'], want: ['<13>a', '<14>b', '<15>c'] },
    { name: 'LF frame split across chunks', chunks: ['<13>hel', 'lo wo', 'rld\n<14>', 'x\n'], want: ['<13>hello world', '<14>x'] },
    { name: 'CRLF and NUL trailers stripped', chunks: ['<13>a\r\n<13>b\u0000\n<13>c\r\u0000\n'], want: ['<13>a', '<13>b', '<13>c'] },
    { name: 'blank lines and stray CR/NUL between frames skipped', chunks: ['\n\r\n\u0000<13>a\n\n\n'], want: ['<13>a'] },
    { name: 'last line without LF flushed at end', chunks: ['<13>a\n<13>tail'], want: ['<13>a', '<13>tail'] },
    { name: 'garbage line is still a frame (the parser rejects it)', chunks: ['hello\n'], want: ['hello'] },
    // octet counting (RFC 6587 §3.4.1)
    { name: 'octet counted', chunks: ['5 <13>a6 <14>bb'], want: ['<13>a', '<14>bb'] },
    { name: 'octet counted with trailing LF inside the count (rsyslog)', chunks: ['6 <13>a\n7 <14>bb\n'], want: ['<13>a', '<14>bb'] },
    { name: 'octet counted with LF after the count (outside it)', chunks: ['5 <13>a\n5 <13>b\n'], want: ['<13>a', '<13>b'] },
    { name: 'count split from its body', chunks: ['1', '1 <13>hello ', 'w'], want: ['<13>hello w'] },
    { name: 'body split across three chunks', chunks: ['11 <13>', 'ab', 'cdefg'], want: ['<13>abcdefg'] },
    { name: 'body may contain LF', chunks: ['9 <13>a\nb\nc'], want: ['<13>a\nb\nc'] },
    { name: 'switching framing frame by frame', chunks: ['<13>lf\n5 <13>a<13>lf2\n'], want: ['<13>lf', '<13>a', '<13>lf2'] },
    { name: 'one byte at a time', chunks: [...'5 <13>a<14>b\n'], want: ['<13>a', '<14>b'] },
    // errors and resynchronisation
    {
      name: 'count not followed by SP is FRAME_INVALID; resync at LF',
      chunks: ['12a <13>x\n<13>ok\n'],
      want: ['!FRAME_INVALID 12a <13>x', '<13>ok'],
    },
    { name: 'count ended by LF', chunks: ['123\n<13>ok\n'], want: ['!FRAME_INVALID 123', '<13>ok'] },
    { name: 'count starting with 0', chunks: ['05 <13>a\n<13>ok\n'], want: ['!FRAME_INVALID 05 <13>a', '<13>ok'] },
    { name: 'count longer than 10 digits', chunks: ['12345678901 x\n<13>ok\n'], want: ['!FRAME_INVALID 12345678901 x', '<13>ok'] },
    {
      name: 'oversized octet count is skipped by its length',
      chunks: ['70 ', 'A'.repeat(40), 'B'.repeat(30), '5 <13>a'],
      want: ['!FRAME_TOO_LARGE AAAAAAAA', '<13>a'],
    },
    {
      name: 'oversized LF line: first bytes kept, rest skipped to LF',
      chunks: ['<13>' + 'x'.repeat(40), 'y'.repeat(40), 'z'.repeat(40) + '\n<13>ok\n'],
      want: ['!FRAME_TOO_LARGE <13>xxxx', '<13>ok'],
    },
    { name: 'exactly maxMessageBytes passes', chunks: ['<13>' + 'x'.repeat(60) + '\n'], want: ['<13>' + 'x'.repeat(60)] },
    { name: 'octet count of exactly max passes', chunks: ['64 <13>' + 'x'.repeat(60)], want: ['<13>' + 'x'.repeat(60)] },
    { name: 'connection closed inside the count', chunks: ['<13>a\n12'], want: ['<13>a', '!FRAME_INVALID 12'] },
    { name: 'connection closed inside an octet frame', chunks: ['20 <13>short'], want: ['!FRAME_TRUNCATED <13>short'] },
    {
      name: 'connection closed inside an oversized frame',
      chunks: ['100 <13>ab'],
      want: ['!FRAME_TOO_LARGE <13>ab'],
    },
    { name: 'empty input', chunks: [], want: [] },
  ];

  it.each(cases)('$name', ({ chunks, want, max }) => {
    expect(run(chunks, max)).toEqual(want);
  });

  it('reports the reason of each error frame', () => {
    const f = new SyslogFramer({ maxMessageBytes: 10 });
    const out = [...f.push(Buffer.from('12a x\n99 ')), ...f.end()];
    expect(out.map((o) => [o.error?.code, o.error?.message])).toEqual([
      ['FRAME_INVALID', 'octet count followed by byte 0x61 instead of SP'],
      ['FRAME_TOO_LARGE', 'octet count 99 exceeds maxMessageBytes (10)'],
    ]);
  });

  it('never holds more than maxMessageBytes of a line however long it is', () => {
    const f = new SyslogFramer({ maxMessageBytes: 1024 });
    const big = Buffer.alloc(64 * 1024, 0x41);
    const out: Frame[] = [];
    for (let i = 0; i < 100; i++) out.push(...f.push(big)); // 6.4 MB without a LF
    out.push(...f.push(Buffer.from('\n<13>after\n')));
    expect(out).toHaveLength(2);
    expect(out[0]?.error?.code).toBe('FRAME_TOO_LARGE');
    expect(out[0]?.raw.length).toBe(1024);
    expect(out[1]?.raw.toString()).toBe('<13>after');
    // The internal state after the skip holds nothing of the 6.4 MB.
    expect(JSON.stringify((f as unknown as { state: unknown }).state)).toBe('{"t":"start"}');
  });

  it('cuts a frame whole in its chunk as a view on it, and copies one cut over chunks', () => {
    const f = new SyslogFramer({ maxMessageBytes: 64 });
    const chunk = Buffer.from('<13>abc\n5 <13>d10 <13>ef');
    const [whole, counted] = f.push(chunk);
    const tail = Buffer.from('ghij');
    const [split] = f.push(tail);
    chunk.fill(0x7e);
    tail.fill(0x7e);
    expect(whole?.raw.toString()).toBe('~~~~~~~');
    expect(counted?.raw.toString()).toBe('~~~~~');
    expect(split?.raw.toString()).toBe('<13>efghij');
  });

  it('handles a large stream of random chunk boundaries', () => {
    const msgs = Array.from({ length: 200 }, (_, i) => `<13>message number ${i} ${'x'.repeat(i % 37)}`);
    const wire = Buffer.from(msgs.map((m, i) => (i % 2 === 0 ? `${Buffer.byteLength(m) + 1} ${m}\n` : `${m}\n`)).join(''));
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 50;
    const f = new SyslogFramer({ maxMessageBytes: 200 });
    const out: Frame[] = [];
    for (let i = 0; i < wire.length;) {
      const n = 1 + rnd();
      out.push(...f.push(wire.subarray(i, i + n)));
      i += n;
    }
    out.push(...f.end());
    expect(out.map((o) => o.raw.toString())).toEqual(msgs);
  });
});

describe('SyslogFramer: frames whole in a chunk (its fast path) and frames cut over chunks', () => {
  it('gives the same frames and errors for a stream fed whole, in random pieces and byte by byte', () => {
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 8) % n;
    const pieces: string[] = [];
    for (let i = 0; i < 400; i++) {
      const msg = `<13>m${i} ${'x'.repeat(rnd(70))}`;
      const kind = rnd(12);
      if (kind < 4) pieces.push(`${Buffer.byteLength(msg)} ${msg}`);
      else if (kind < 6)
        pieces.push(`${Buffer.byteLength(msg) + 2} ${msg}\r\n`); // trailers inside the count
      else if (kind < 9) pieces.push(`${msg}${['\n', '\r\n', '\u0000\n'][rnd(3)]}`);
      else if (kind === 9)
        pieces.push(`0${Buffer.byteLength(msg)} ${msg}\n`); // bad count
      else if (kind === 10)
        pieces.push(`${Buffer.byteLength(msg)}x${msg}\n`); // count without SP
      else pieces.push(`\n\r\u0000${msg}\n`); // stray trailers between frames
    }
    const wire = Buffer.from(pieces.join(''), 'latin1');
    const feed = (sizes: () => number): string[] => {
      const f = new SyslogFramer({ maxMessageBytes: 60, errorSampleBytes: 8, peer: '192.0.2.1' });
      const out: Frame[] = [];
      for (let i = 0; i < wire.length;) {
        const n = sizes();
        out.push(...f.push(wire.subarray(i, i + n)));
        i += n;
      }
      out.push(...f.end());
      expect(new Set(out.map((o) => o.peer))).toEqual(new Set(['192.0.2.1']));
      return show(out);
    };
    const whole = feed(() => wire.length);
    expect(whole.length).toBeGreaterThan(350);
    expect(whole.some((w) => w.startsWith('!FRAME_TOO_LARGE'))).toBe(true);
    expect(whole.some((w) => w.startsWith('!FRAME_INVALID'))).toBe(true);
    expect(feed(() => 1)).toEqual(whole);
    expect(feed(() => 1 + rnd(300))).toEqual(whole);
  });
});

describe('stripTrailers', () => {
  it.each([
    ['abc\n', 'abc'],
    ['abc\r\n', 'abc'],
    ['abc\u0000', 'abc'],
    ['abc\n\r\u0000\n', 'abc'],
    ['abc', 'abc'],
    ['\n', ''],
    ['a\nb', 'a\nb'],
  ])('%j → %j', (input, want) => {
    expect(stripTrailers(Buffer.from(input)).toString()).toBe(want);
  });
});
