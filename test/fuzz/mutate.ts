import { Rng } from './rng.js';

/**
 * Byte-level mutations of valid records, chosen to reach the corners parsers get wrong: broken
 * delimiters, cut-off fields, absurd sizes and numbers, and bytes that are not UTF-8.
 */
export type Mutation = (input: Buffer, rng: Rng, seeds: readonly Buffer[]) => Buffer;

/** Characters that delimit something in syslog, CEF, LEEF, JSON or vendor text. */
const DELIMITERS: readonly number[] = [...Buffer.from('<>[]|=" :\\^{},\t-.#%/\n\r\0')];

/** Byte sequences that are not valid UTF-8: lone continuation bytes, truncated and overlong sequences, surrogates, > U+10FFFF. */
const INVALID_UTF8: readonly Buffer[] = [
  [0x80],
  [0xbf],
  [0xc3],
  [0xc0, 0xaf],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff, 0xff],
  [0xef, 0xbb, 0xbf], // a BOM: valid, but only where RFC 5424 allows it
].map((b) => Buffer.from(b));

/** Numbers that overflow fields, dates and ports. */
const NUMBERS = [
  '0',
  '-1',
  '00',
  '999',
  '65536',
  '4294967296',
  '9007199254740993',
  '99999999999999999999',
  '1e308',
  'NaN',
  '-0',
  '2147483648',
  '1795166043123456789000',
];

function insertAt(input: Buffer, at: number, bytes: Buffer): Buffer {
  return Buffer.concat([input.subarray(0, at), bytes, input.subarray(at)]);
}

function randomRun(rng: Rng, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = rng.chance(0.5) ? rng.pick(DELIMITERS) : rng.int(256);
  return out;
}

const bitFlip: Mutation = (input, rng) => {
  if (input.length === 0) return input;
  const out = Buffer.from(input);
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const i = rng.int(out.length);
    out[i] = (out[i] as number) ^ (1 << rng.int(8));
  }
  return out;
};

const truncate: Mutation = (input, rng) => input.subarray(0, rng.int(input.length + 1));

const insertBytes: Mutation = (input, rng) => insertAt(input, rng.int(input.length + 1), randomRun(rng, 1 + rng.int(8)));

const deleteBytes: Mutation = (input, rng) => {
  const at = rng.int(input.length + 1);
  const n = 1 + rng.int(16);
  return Buffer.concat([input.subarray(0, at), input.subarray(at + n)]);
};

/** The head of this input joined to the tail of another sample (or of itself). */
const splice: Mutation = (input, rng, seeds) => {
  const other = seeds.length > 0 ? rng.pick(seeds) : input;
  return Buffer.concat([input.subarray(0, rng.int(input.length + 1)), other.subarray(rng.int(other.length + 1))]);
};

/** One delimiter of the input repeated many times in place (`||||`, `====`, `[[[[`). */
const repeatDelimiter: Mutation = (input, rng) => {
  const at = input.findIndex((b) => DELIMITERS.includes(b) && rng.chance(0.2));
  const i = at >= 0 ? at : rng.int(input.length + 1);
  const d = at >= 0 ? (input[at] as number) : rng.pick(DELIMITERS);
  return insertAt(input, i, Buffer.alloc(1 + rng.int(rng.chance(0.1) ? 5000 : 40), d));
};

/** A field blown up to tens or hundreds of kilobytes. */
const hugeField: Mutation = (input, rng) => {
  const fill = rng.chance(0.5) ? Buffer.from([0x41 + rng.int(26)]) : Buffer.from(rng.pick(['a=', '\\', '1', '"', ' x=', '[', '|']));
  const size = rng.chance(0.9) ? 1000 + rng.int(20_000) : 100_000 + rng.int(200_000);
  return insertAt(input, rng.int(input.length + 1), Buffer.alloc(size, fill));
};

const invalidUtf8: Mutation = (input, rng) => insertAt(input, rng.int(input.length + 1), rng.pick(INVALID_UTF8));

/** A run of digits replaced by a number that is out of every range. */
const swapNumber: Mutation = (input, rng) => {
  const text = input.toString('latin1');
  const runs = [...text.matchAll(/\d+/g)];
  if (runs.length === 0) return insertAt(input, rng.int(input.length + 1), Buffer.from(rng.pick(NUMBERS)));
  const m = rng.pick(runs);
  const at = m.index ?? 0;
  return Buffer.concat([input.subarray(0, at), Buffer.from(rng.pick(NUMBERS)), input.subarray(at + m[0].length)]);
};

export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  bitFlip,
  truncate,
  insertBytes,
  deleteBytes,
  splice,
  repeatDelimiter,
  hugeField,
  invalidUtf8,
  swapNumber,
};
const MUTATION_LIST = Object.values(MUTATIONS);

/** Random bytes, half of them delimiters, up to `maxLength` long. */
export function randomInput(rng: Rng, maxLength = 512): Buffer {
  return randomRun(rng, rng.int(maxLength + 1));
}

/** One to four stacked mutations of a sample. `hugeField` is rarer: it dominates the run time. */
export function mutateInput(sample: Buffer, rng: Rng, seeds: readonly Buffer[]): Buffer {
  let out = sample;
  for (let k = 1 + rng.int(4); k > 0; k--) {
    let m = rng.pick(MUTATION_LIST);
    if (m === hugeField && !rng.chance(0.1)) m = rng.pick(MUTATION_LIST);
    out = m(out, rng, seeds);
  }
  return out;
}

/**
 * `count` fuzz inputs from `seed`: a fifth random bytes, the rest mutations of `samples`.
 * Deterministic for a given seed and sample list.
 */
export function* fuzzInputs(seed: number, samples: readonly Buffer[], count: number): Generator<Buffer> {
  const rng = new Rng(seed);
  for (let n = 0; n < count; n++) {
    yield samples.length === 0 || rng.chance(0.2) ? randomInput(rng) : mutateInput(rng.pick(samples), rng, samples);
  }
}
