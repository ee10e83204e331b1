import { describe, expect, it } from 'vitest';
import { packFrames, unpackFrames, unpackValues, ValueWriter } from './codec.js';

describe('frame packing', () => {
  it('round-trips frames of one peer, with one peer sent', () => {
    const frames = ['<13>1 - a', '', 'ünïcødé ✓', 'x'.repeat(70_000)].map((t) => ({ raw: Buffer.from(t), peer: '10.0.0.1' }));
    const packed = packFrames(frames);
    expect(packed.peers).toEqual(['10.0.0.1']);
    expect(unpackFrames(packed)).toEqual(frames);
  });

  it('keeps each frame’s peer when they differ (UDP batches)', () => {
    const frames = [
      { raw: Buffer.from('a'), peer: '10.0.0.1' },
      { raw: Buffer.from([0xff, 0xfe, 0x00]), peer: '10.0.0.2' },
    ];
    const back = unpackFrames(packFrames(frames));
    expect(back.map((f) => f.peer)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(back[1]?.raw.equals(Buffer.from([0xff, 0xfe, 0x00]))).toBe(true);
  });

  it('owns its memory: the packed bytes do not alias the frames', () => {
    const raw = Buffer.from('abc');
    const packed = packFrames([{ raw, peer: 'p' }]);
    raw[0] = 0x7a;
    expect(unpackFrames(packed)[0]?.raw.toString()).toBe('abc');
  });
});

describe('ValueWriter', () => {
  it('writes values back to back, growing past its first guess, and reads them back', () => {
    const texts = ['{"a":1}', '', '{"m":"ünïcødé 🚀"}', 'z'.repeat(5000), '{"b":2}'];
    const w = new ValueWriter(16);
    for (const t of texts) w.push(t);
    expect(unpackValues(w.finish()).map((b) => b.toString('utf8'))).toEqual(texts);
  });

  it('grows only when a value’s UTF-8 bytes do not fit, not on the 3-bytes-a-unit bound', () => {
    const w = new ValueWriter(1024);
    w.push('a'.repeat(1000)); // bound 3,000 > 1,024, but the 1,000 bytes fit
    w.push('é'.repeat(12)); // 24 bytes: exactly full
    const done = w.finish();
    expect(done.values.byteLength).toBe(1024);
    expect(unpackValues(done).map((b) => b.toString('utf8'))).toEqual(['a'.repeat(1000), 'é'.repeat(12)]);
  });
});
