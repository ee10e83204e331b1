import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTROL_REPLY,
  S2sDecoder,
  SIGNATURE_BYTES,
  decodeMessageBody,
  decodeSignature,
  encodeControlMessage,
  encodeMessage,
  encodeSignature,
  pairText,
  parseCapabilities,
  type Decoded,
  type S2sMessage,
} from './s2s.js';
import { encodeEvent } from '../../test/support/s2s-sender.js';

/** A `.hex` fixture: `#` comment lines, then hex digits. */
function fixture(name: string): Buffer {
  const text = readFileSync(fileURLToPath(new URL(`../../test/fixtures/splunk/${name}`, import.meta.url)), 'utf8');
  return Buffer.from(
    text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
}

const asObject = (m: S2sMessage) => Object.fromEntries(m.pairs.map((p) => [p.key, p.value.toString('utf8')]));
const SSHD = 'Nov 21 09:14:03 web01 sshd[2231]: Failed password for root from 203.0.113.45 port 52001 ssh2';

describe('fixtures captured from Splunk (decode, then encode back to the same bytes)', () => {
  it('the 9.1 indexer control reply', () => {
    const bytes = fixture('indexer-control-9.1.hex');
    expect(bytes.length).toBe(163);
    expect(bytes.readUInt32BE(0)).toBe(159); // the size excludes its own 4 bytes
    const msg = decodeMessageBody(bytes.subarray(4));
    expect(asObject(msg)).toEqual({
      __s2s_control_msg:
        'cap_response=success;cap_flush_key=true;idx_can_send_hb=true;idx_can_recv_token=true;v4=true;channel_limit=300;pl=6',
    });
    expect(encodeControlMessage(pairText(msg, '__s2s_control_msg') as string).equals(bytes)).toBe(true);
  });

  it("a 9.4 forwarder's capabilities", () => {
    const bytes = fixture('forwarder-capabilities.hex');
    expect(bytes.length).toBe(68);
    const msg = decodeMessageBody(bytes.subarray(4));
    expect(parseCapabilities(pairText(msg, '__s2s_capabilities') as string)).toEqual({ ack: '0', compression: '0' });
    expect(encodeMessage([['__s2s_capabilities', 'ack=0;compression=0']]).equals(bytes)).toBe(true);
  });
});

describe('fixtures built from the documented layout', () => {
  it('the 400-byte hello', () => {
    const bytes = fixture('forwarder-hello.hex');
    expect(bytes.length).toBe(SIGNATURE_BYTES);
    expect(decodeSignature(bytes)).toEqual({ banner: '--splunk-cooked-mode-v3--', version: 3, serverName: 'uf-web01', mgmtPort: '8089' });
    expect(encodeSignature({ serverName: 'uf-web01', mgmtPort: '8089' }).equals(bytes)).toBe(true);
  });

  it('a parsed event, byte for byte as eventgen encodes it', () => {
    const bytes = fixture('event-parsed.hex');
    const msg = decodeMessageBody(bytes.subarray(4));
    expect(asObject(msg)).toEqual({
      '_MetaData:Index': 'main',
      'MetaData:Host': 'host::web01',
      'MetaData:Source': 'source::/var/log/auth.log',
      'MetaData:Sourcetype': 'sourcetype::linux_secure',
      _time: '1700000000',
      _meta: 'env::prod team::"blue team"',
      _done: '_done',
      _raw: SSHD,
    });
    const ours = encodeEvent({
      index: 'main',
      host: 'web01',
      source: '/var/log/auth.log',
      sourcetype: 'linux_secure',
      time: 1700000000,
      meta: { env: 'prod', team: 'blue team' },
      raw: SSHD,
    });
    expect(ours.toString('hex')).toBe(bytes.toString('hex'));
  });

  it('our control reply keeps the forwarder on v3', () => {
    const msg = decodeMessageBody(encodeControlMessage(CONTROL_REPLY).subarray(4));
    expect(parseCapabilities(pairText(msg, '__s2s_control_msg') as string)).toEqual({
      cap_response: 'success',
      cap_flush_key: 'true',
      idx_can_send_hb: 'true',
      idx_can_recv_token: 'true',
      v4: 'false',
    });
  });
});

describe('decodeMessageBody robustness', () => {
  it('accepts string lengths that leave the NUL out (a go-s2s fork writes them so)', () => {
    const plain = encodeMessage(
      [
        ['_raw', 'hello'],
        ['_time', '1'],
      ],
      { lengthIncludesNul: false },
    );
    expect(asObject(decodeMessageBody(plain.subarray(4)))).toEqual({ _raw: 'hello', _time: '1' });
  });

  it('accepts a message without the trailer, and keeps non-UTF-8 bytes', () => {
    const raw = Buffer.from([0x68, 0xff, 0xfe, 0x69]);
    const full = encodeMessage([['_raw', raw]]);
    const withoutTrailer = full.subarray(4, full.length - 13); // uint32 0 + "_raw" string
    const msg = decodeMessageBody(withoutTrailer);
    expect(msg.pairs[0]?.value.equals(raw)).toBe(true);
  });

  it('handles empty values', () => {
    expect(asObject(decodeMessageBody(encodeMessage([['_MetaData:Index', '']]).subarray(4)))).toEqual({ '_MetaData:Index': '' });
  });
});

function decodeAll(chunks: Buffer[], max = 1 << 20): Decoded[] {
  const d = new S2sDecoder({ maxMessageBytes: max, errorSampleBytes: 64 });
  return chunks.flatMap((c) => d.push(c));
}

describe('S2sDecoder (incremental)', () => {
  const stream = Buffer.concat([
    fixture('forwarder-hello.hex'),
    fixture('forwarder-capabilities.hex'),
    Buffer.alloc(8), // keepalive zeros
    fixture('event-parsed.hex'),
    fixture('event-unparsed.hex'),
  ]);

  it('decodes the same items whatever the chunking (every split point, and byte by byte)', () => {
    const whole = decodeAll([stream]);
    expect(whole.map((d) => d.kind)).toEqual(['signature', 'message', 'message', 'message']);
    for (let cut = 1; cut < stream.length; cut += 7) {
      const split = decodeAll([stream.subarray(0, cut), stream.subarray(cut)]);
      expect(split.map((d) => (d.kind === 'message' ? asObject(d.message) : d.kind))).toEqual(
        whole.map((d) => (d.kind === 'message' ? asObject(d.message) : d.kind)),
      );
    }
    const bytewise = decodeAll([...stream].map((b) => Buffer.from([b])));
    expect(bytewise).toHaveLength(4);
  });

  it('reports the raw bytes of each message', () => {
    const items = decodeAll([stream]);
    const third = items[2];
    expect(third?.kind === 'message' && third.raw.equals(fixture('event-parsed.hex'))).toBe(true);
  });

  // One negative fixture per failure: what the stream was, and what the error must say.
  const bad: Array<{ name: string; chunks: Buffer[]; reason: RegExp; max?: number; rawStartsWith?: Buffer }> = [
    {
      name: 'raw (uncooked) data instead of a hello',
      chunks: [Buffer.from('Nov 21 09:14:03 web01 sshd[1]: hello\n')],
      reason: /not a Splunk cooked-mode stream/,
      rawStartsWith: Buffer.from('Nov 21'),
    },
    {
      name: 'a hello with another banner',
      chunks: [Buffer.concat([Buffer.from('--splunk-cooked-mode-v9--'), Buffer.alloc(375)])],
      reason: /unsupported cooked-mode signature/,
    },
    {
      name: 'a message larger than maxMessageBytes',
      chunks: [fixture('forwarder-hello.hex'), Buffer.from([0x00, 0x10, 0x00, 0x00, 0, 0, 0, 1])],
      reason: /exceeds maxMessageBytes 4096/,
      max: 4096,
      rawStartsWith: Buffer.from([0x00, 0x10, 0x00, 0x00]),
    },
    {
      name: 'a pair count larger than the message',
      chunks: [fixture('forwarder-hello.hex'), Buffer.from('0000000c000000090000000261000000', 'hex')],
      reason: /malformed message/,
    },
    {
      name: 'a string running past the message end',
      chunks: [fixture('forwarder-hello.hex'), Buffer.from('0000000c00000001000000ff61620000', 'hex')],
      reason: /malformed message/,
    },
  ];
  it.each(bad)('$name → error with raw bytes, then nothing more', ({ chunks, reason, max, rawStartsWith }) => {
    const d = new S2sDecoder({ maxMessageBytes: max ?? 1 << 20, errorSampleBytes: 64 });
    const items = chunks.flatMap((c) => d.push(c));
    const err = items.find((i) => i.kind === 'error');
    expect(err?.kind).toBe('error');
    if (err?.kind !== 'error') return;
    expect(err.error.message).toMatch(reason);
    expect(err.error.raw.length).toBeGreaterThan(0);
    if (rawStartsWith) expect(err.error.raw.subarray(0, rawStartsWith.length).equals(rawStartsWith)).toBe(true);
    expect(d.push(fixture('event-parsed.hex'))).toEqual([]);
  });

  it('survives random and mutated input without throwing', () => {
    const base = Buffer.concat([fixture('forwarder-hello.hex'), fixture('event-parsed.hex'), fixture('event-unparsed.hex')]);
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(base);
      for (let k = 0; k < 1 + (rnd() % 8); k++) b[SIGNATURE_BYTES + (rnd() % (b.length - SIGNATURE_BYTES))] = rnd() & 0xff;
      const d = new S2sDecoder({ maxMessageBytes: 1 << 16 });
      expect(() => d.push(b)).not.toThrow();
      expect(() => decodeAll([Buffer.from(Array.from({ length: rnd() % 600 }, () => rnd() & 0xff))])).not.toThrow();
    }
  });
});
