/**
 * The Splunk-to-Splunk (S2S) "cooked" wire format, v2/v3 framing: pure encode and decode, no
 * sockets. Splunk never published it; every fact here is cross-checked between at least two
 * independent sources (see the README's "Splunk forwarders" section for the list):
 *
 * - Hello: a fixed 400-byte C struct `S2S_Signature { char _signature[128]; char _serverName[256];
 *   char _mgmtPort[16]; }`, each field NUL-padded, the signature `--splunk-cooked-mode-v3--`
 *   (Splunk's own eventgen `s2s.py`, a Wireshark dissector, capture notes of a 9.4 forwarder).
 * - Message: `uint32 BE size` (bytes after the size field itself), `uint32 BE count`, `count`
 *   key/value pairs, then a trailer `uint32 BE n` + `n` strings + one string (always `_raw`, n is
 *   always 0 in captures). A string is `uint32 BE length` + bytes + NUL, the length COUNTING the
 *   NUL: the 9.1 indexer reply captured byte for byte has `00000012` before the 17-character
 *   `__s2s_control_msg`, and eventgen packs `len + 1`. One open-source sender (a go-s2s fork) writes
 *   the length without the NUL; the decoder accepts both (it tries the counted form first and
 *   falls back when that does not consume the message exactly).
 * - The forwarder sends `__s2s_capabilities` (`ack=0;compression=0`) right after the hello; the
 *   indexer answers `__s2s_control_msg`. Answering `v4=true` switches a forwarder to the
 *   undocumented v4 channel protocol, so we answer `v4=false` and it stays on these messages.
 */

/** Size of the hello block and of its three NUL-padded fields. */
export const SIGNATURE_BYTES = 400;
const BANNER_BYTES = 128;
const SERVER_NAME_BYTES = 256;
const MGMT_PORT_BYTES = 16;

export const COOKED_BANNER_V3 = '--splunk-cooked-mode-v3--';
/** Every cooked banner starts so (v1 `--splunk-cooked-mode--`, v2, v2 `:C`, v3); all share the message framing. */
const BANNER_PREFIX = '--splunk-cooked-mode';

/** What the forwarder sends once, right after connecting, before the capabilities. */
export interface Signature {
  /** The banner as sent, e.g. `--splunk-cooked-mode-v3--`. */
  banner: string;
  /** 1, 2 or 3, from the banner. */
  version: number;
  /** The forwarder's server name (`serverName` in its server.conf). */
  serverName: string;
  /** The forwarder's management port, as text (`8089`). */
  mgmtPort: string;
}

/** One key/value pair. Values stay bytes: `_raw` need not be valid UTF-8. */
export interface Pair {
  key: string;
  value: Buffer;
}

export interface S2sMessage {
  pairs: Pair[];
}

/** Why a stream cannot be decoded; the connection is closed after it. */
export class S2sProtocolError extends Error {
  constructor(
    message: string,
    /** The bytes of the offending message (or of the stream's head), for the dead letter. */
    readonly raw: Buffer,
  ) {
    super(message);
    this.name = 'S2sProtocolError';
  }
}

// ---- hello ----

export function encodeSignature(sig: { serverName: string; mgmtPort: string; banner?: string }): Buffer {
  const out = Buffer.alloc(SIGNATURE_BYTES);
  const put = (s: string, at: number, max: number) => {
    const b = Buffer.from(s, 'utf8');
    // The C struct needs its terminating NUL inside the field.
    if (b.length >= max) throw new RangeError(`"${s}" does not fit in ${max - 1} bytes`);
    b.copy(out, at);
  };
  put(sig.banner ?? COOKED_BANNER_V3, 0, BANNER_BYTES);
  put(sig.serverName, BANNER_BYTES, SERVER_NAME_BYTES);
  put(sig.mgmtPort, BANNER_BYTES + SERVER_NAME_BYTES, MGMT_PORT_BYTES);
  return out;
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? field.length : nul).toString('utf8');
}

/** Decodes the 400-byte hello; throws S2sProtocolError when it is not a cooked-mode banner. */
export function decodeSignature(buf: Buffer): Signature {
  if (buf.length < SIGNATURE_BYTES) throw new S2sProtocolError(`signature needs ${SIGNATURE_BYTES} bytes, got ${buf.length}`, buf);
  const block = buf.subarray(0, SIGNATURE_BYTES);
  const banner = cString(block, 0, BANNER_BYTES);
  if (!banner.startsWith(BANNER_PREFIX)) {
    throw new S2sProtocolError(
      'not a Splunk cooked-mode stream (no --splunk-cooked-mode signature; is the forwarder set to sendCookedData=false?)',
      block,
    );
  }
  // v2 and v3 share the key/value framing (eventgen speaks v2, forwarders v3); v1 and the
  // compressed `:C` variant do not, and a later version is not ours to guess.
  const m = /^--splunk-cooked-mode-v([23])--$/.exec(banner);
  if (!m) throw new S2sProtocolError(`unsupported cooked-mode signature "${banner.slice(0, 40)}" (Vigil speaks v2 and v3)`, block);
  return {
    banner,
    version: Number(m[1]),
    serverName: cString(block, BANNER_BYTES, SERVER_NAME_BYTES),
    mgmtPort: cString(block, BANNER_BYTES + SERVER_NAME_BYTES, MGMT_PORT_BYTES),
  };
}

// ---- messages ----

export interface EncodeOptions {
  /** Count the NUL in each string's length, as Splunk does. Default true; false only to test the decoder. */
  lengthIncludesNul?: boolean;
}

function encodeString(s: string | Buffer, parts: Buffer[], withNul: boolean): void {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length + (withNul ? 1 : 0));
  parts.push(len, bytes, NUL);
}

const NUL = Buffer.from([0]);

/** Encodes one message: size, count, pairs, then the `uint32 0` + `_raw` trailer. */
export function encodeMessage(pairs: ReadonlyArray<readonly [string, string | Buffer]>, opts: EncodeOptions = {}): Buffer {
  const withNul = opts.lengthIncludesNul ?? true;
  const parts: Buffer[] = [Buffer.alloc(4), Buffer.alloc(4)];
  (parts[1] as Buffer).writeUInt32BE(pairs.length);
  for (const [k, v] of pairs) {
    encodeString(k, parts, withNul);
    encodeString(v, parts, withNul);
  }
  parts.push(Buffer.alloc(4)); // trailer list: zero strings
  encodeString('_raw', parts, withNul);
  const out = Buffer.concat(parts);
  out.writeUInt32BE(out.length - 4, 0);
  return out;
}

/** The indexer's answer to `__s2s_capabilities`. */
export function encodeControlMessage(value: string): Buffer {
  return encodeMessage([['__s2s_control_msg', value]]);
}

/**
 * What Vigil answers: a 9.1 indexer's reply (captured) with `v4=false`, and without
 * `channel_limit`/`pl`, which only describe v4 channels. `v4=false` keeps the forwarder on v3.
 */
export const CONTROL_REPLY = 'cap_response=success;cap_flush_key=true;idx_can_send_hb=true;idx_can_recv_token=true;v4=false';

/** `ack=0;compression=0` → `{ ack: '0', compression: '0' }`. */
export function parseCapabilities(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Decodes a message body (the bytes after the size field). Throws S2sProtocolError when neither
 * string form (length with or without the NUL) consumes it exactly.
 */
export function decodeMessageBody(body: Buffer): S2sMessage {
  const counted = tryDecode(body, true);
  if (counted) return counted;
  const plain = tryDecode(body, false);
  if (plain) return plain;
  throw new S2sProtocolError('malformed message: its key/value strings do not add up to its size', body);
}

/** Reads one string at `pos`; undefined when it runs past `end`. */
function readString(body: Buffer, pos: number, lengthIncludesNul: boolean): { value: Buffer; next: number } | undefined {
  if (pos + 4 > body.length) return undefined;
  const len = body.readUInt32BE(pos);
  const start = pos + 4;
  const stored = lengthIncludesNul ? len : len + 1;
  if (stored < 1 || start + stored > body.length) return undefined;
  // The last stored byte is the NUL; more NULs (padding) are trimmed too.
  let end = start + stored;
  if (body[end - 1] !== 0) return undefined;
  while (end > start && body[end - 1] === 0) end--;
  return { value: body.subarray(start, end), next: start + stored };
}

function tryDecode(body: Buffer, lengthIncludesNul: boolean): S2sMessage | undefined {
  if (body.length < 4) return undefined;
  const count = body.readUInt32BE(0);
  // Each pair takes at least 2 × (4 + 1) bytes: a count beyond that is corrupt, not a reason to allocate.
  if (count > (body.length - 4) / 10) return undefined;
  const pairs: Pair[] = [];
  let pos = 4;
  for (let i = 0; i < count; i++) {
    const k = readString(body, pos, lengthIncludesNul);
    if (!k) return undefined;
    const v = readString(body, k.next, lengthIncludesNul);
    if (!v) return undefined;
    pairs.push({ key: k.value.toString('utf8'), value: v.value });
    pos = v.next;
  }
  // Trailer: a string list (always empty in captures) and a type string (`_raw`). Old senders
  // may stop right after the pairs; anything present must fit exactly.
  if (pos === body.length) return { pairs };
  if (pos + 4 > body.length) return undefined;
  const n = body.readUInt32BE(pos);
  if (n > (body.length - pos) / 5) return undefined;
  pos += 4;
  for (let i = 0; i <= n; i++) {
    const s = readString(body, pos, lengthIncludesNul);
    if (!s) return undefined;
    pos = s.next;
  }
  return pos === body.length ? { pairs } : undefined;
}

// ---- incremental stream decoder ----

export type Decoded =
  | { kind: 'signature'; signature: Signature }
  /** `raw` is the whole message as received (size field included). */
  | { kind: 'message'; message: S2sMessage; raw: Buffer }
  | { kind: 'error'; error: S2sProtocolError };

export interface DecoderOptions {
  /** Largest message accepted (size field included), in bytes. */
  maxMessageBytes: number;
  /** Leading bytes of an oversized message kept for its dead letter. Default 1024. */
  errorSampleBytes?: number;
}

/**
 * Turns TCP chunks into the hello and messages, however the chunks split them. After an error it
 * yields nothing more: the stream has lost its framing, so the connection must close.
 */
export class S2sDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'signature' | 'messages' | 'failed' = 'signature';
  private readonly max: number;
  private readonly sample: number;

  constructor(opts: DecoderOptions) {
    this.max = opts.maxMessageBytes;
    this.sample = opts.errorSampleBytes ?? 1024;
  }

  /** Bytes received and not yet decoded (a partial message). */
  get buffered(): number {
    return this.buf.length;
  }

  /** True when the stream ended on a message boundary. */
  get clean(): boolean {
    return this.buf.length === 0 && this.state !== 'failed';
  }

  /** The undecoded bytes (a message cut off by the end of the stream); empties the decoder. */
  remainder(): Buffer {
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  push(chunk: Buffer): Decoded[] {
    if (this.state === 'failed') return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Decoded[] = [];
    let pos = 0;
    const fail = (error: S2sProtocolError) => {
      this.state = 'failed';
      this.buf = Buffer.alloc(0);
      out.push({ kind: 'error', error });
      return out;
    };
    if (this.state === 'signature') {
      // Fail fast on a stream that is not cooked (raw TCP output), before 400 bytes arrive.
      const head = this.buf.subarray(0, Math.min(this.buf.length, BANNER_PREFIX.length)).toString('latin1');
      if (!BANNER_PREFIX.startsWith(head)) {
        return fail(
          new S2sProtocolError(
            'not a Splunk cooked-mode stream (no --splunk-cooked-mode signature; is the forwarder set to sendCookedData=false?)',
            this.buf.subarray(0, this.sample),
          ),
        );
      }
      if (this.buf.length < SIGNATURE_BYTES) return out;
      try {
        out.push({ kind: 'signature', signature: decodeSignature(this.buf) });
      } catch (err) {
        return fail(err as S2sProtocolError);
      }
      pos = SIGNATURE_BYTES;
      this.state = 'messages';
    }
    while (this.buf.length - pos >= 4) {
      const size = this.buf.readUInt32BE(pos);
      if (size === 0) {
        // A zero size carries nothing (forwarder keepalives are runs of zero bytes).
        pos += 4;
        continue;
      }
      if (size + 4 > this.max) {
        return fail(
          new S2sProtocolError(
            `message of ${size + 4} bytes exceeds maxMessageBytes ${this.max}`,
            this.buf.subarray(pos, pos + Math.min(size + 4, this.sample)),
          ),
        );
      }
      if (this.buf.length - pos < size + 4) break;
      const raw = this.buf.subarray(pos, pos + 4 + size);
      try {
        out.push({ kind: 'message', message: decodeMessageBody(raw.subarray(4)), raw });
      } catch (err) {
        return fail(new S2sProtocolError((err as Error).message, raw));
      }
      pos += 4 + size;
    }
    // Keep the partial tail in its own buffer so the decoded messages' subarrays do not pin it.
    this.buf = pos === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(pos));
    return out;
  }
}

// ---- reading a message ----

/** The value of the first pair named `key` (case-insensitive: senders spell `Sourcetype` and `SourceType`). */
export function pairValue(msg: S2sMessage, key: string): Buffer | undefined {
  const k = key.toLowerCase();
  return msg.pairs.find((p) => p.key.toLowerCase() === k)?.value;
}

export function pairText(msg: S2sMessage, key: string): string | undefined {
  return pairValue(msg, key)?.toString('utf8');
}
