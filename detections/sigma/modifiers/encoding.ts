/**
 * Byte-level helpers for the encoding modifiers (utf16*, wide, base64, base64offset). A value
 * that went through a UTF-16 modifier holds one character per byte (`PatternValue.bytes`);
 * otherwise its text is encoded as UTF-8, as pySigma does.
 */
import { isCharClass, isPlain, type PatternPart } from '../pattern.js';
import { alternatives, mapPatterns, ModifierError, type Modifier, type PatternValue } from './types.js';

/** Beyond this many variants, expanding classes (windash) before an encoding is refused. */
const MAX_VARIANTS = 256;

/** Replaces every class by each of its characters: one plain pattern per combination. */
export function expandClasses(parts: readonly PatternPart[], modifier: string): PatternPart[][] {
  let variants: PatternPart[][] = [[]];
  for (const p of parts) {
    if (isCharClass(p)) {
      if (variants.length * p.oneOf.length > MAX_VARIANTS) {
        throw new ModifierError(`modifier '${modifier}' would expand this value into more than ${MAX_VARIANTS} variants`);
      }
      variants = variants.flatMap((v) => [...p.oneOf].map((c) => [...v, c]));
    } else {
      for (const v of variants) v.push(p);
    }
  }
  return variants;
}

/** The value's text as bytes, for base64; wildcards cannot be encoded. */
export function valueBytes(value: PatternValue, parts: readonly PatternPart[], modifier: string): Buffer {
  if (!isPlain(parts)) {
    throw new ModifierError(
      `modifier '${modifier}' cannot encode a value with wildcards ('*', '?'): the encoded form of a wildcard is unknown`,
    );
  }
  const text = parts.join('');
  return value.bytes ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

export type Utf16Form = 'le' | 'be' | 'bom';

/** UTF-16 bytes of a text, one character per byte. */
export function utf16Bytes(text: string, form: 'le' | 'be'): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out += form === 'be' ? String.fromCharCode(u >> 8, u & 0xff) : String.fromCharCode(u & 0xff, u >> 8);
  }
  return out;
}

/**
 * The three base64 forms of `data` as it may sit at any offset inside a longer encoded text:
 * encode it after 0, 1 and 2 filler bytes and keep only the characters that do not depend on
 * the neighbouring bytes (Sigma 2.1 modifiers appendix, `base64offset`; pySigma's offsets).
 */
export function base64Offsets(data: Buffer): string[] {
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const encoded = Buffer.concat([Buffer.alloc(i, 0x20), data]).toString('base64');
    out.push(encoded.slice(starts[i], ends[(data.length + i) % 3]));
  }
  return out;
}

/** A UTF-16 modifier: literals become bytes; wildcards stay; classes are expanded first. */
export function utf16Modifier(name: string, form: Utf16Form, summary: string): Modifier {
  return {
    summary,
    apply: (plan) =>
      mapPatterns(plan, name, (p) => {
        if (p.bytes) throw new ModifierError(`modifier '${name}': the value is already UTF-16 encoded`);
        return alternatives(
          expandClasses(p.parts, name).map((parts): PatternValue => {
            const encoded = parts.map((part) => (typeof part === 'string' ? utf16Bytes(part, form === 'bom' ? 'le' : form) : part));
            return { kind: 'pattern', parts: form === 'bom' ? ['\xff\xfe', ...encoded] : encoded, cased: p.cased, bytes: true };
          }),
        );
      }),
  };
}
