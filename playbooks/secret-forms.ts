/**
 * The forms a secret value can take on its way to a target, any of which the target may echo
 * back into a result or an error: the value, its URL-encoded and JSON-escaped text, and its
 * base64, alone or inside the base64 of a longer text (HTTP Basic auth's `user:password`).
 */
export interface SecretForms {
  /** Texts replaced wherever they occur, longest first. */
  literals: string[];
  /**
   * Base64 runs that carry a secret inside a longer encoded text: `core`, the characters that
   * depend on the secret alone, and `pattern`, the core with its mixed edge characters.
   */
  embedded: { core: string; pattern: RegExp }[];
}

/** Shorter cores would match by chance in unrelated base64 (a core of 8 characters is 48 bits). */
const MIN_CORE_CHARS = 8;

const ALPHABETS = [
  { encoding: 'base64' as const, chars: 'A-Za-z0-9+/', pad: '={0,2}' },
  { encoding: 'base64url' as const, chars: 'A-Za-z0-9_-', pad: '' },
];

/** Every form of the given secret values and of their parts that are secret on their own. */
export function secretForms(values: readonly string[]): SecretForms {
  const parts = [...new Set(values.flatMap(secretParts))].filter((v) => v.length > 0);
  const literals = new Set<string>();
  const embedded = new Map<string, { core: string; pattern: RegExp }>();
  for (const p of parts) {
    for (const form of [p, encodeURIComponent(p), formEncoded(p), jsonEscaped(p), jsonEscapedAscii(p)]) literals.add(form);
    for (const { encoding, chars, pad } of ALPHABETS) {
      literals.add(Buffer.from(p, 'utf8').toString(encoding));
      for (const e of embeddedBase64(p, encoding, chars, pad)) embedded.set(e.source, { core: e.core, pattern: new RegExp(e.source, 'g') });
    }
  }
  // Longest first, so that a secret containing another is replaced whole.
  return { literals: [...literals].sort((a, b) => b.length - a.length), embedded: [...embedded.values()] };
}

/**
 * Replaces every form of every secret in `text` with `replacement`. Literals go first, longest
 * first, so that a secret containing another is replaced whole; a base64 pattern runs only on a
 * text that holds its core (a plain substring search), which keeps the common case, a text
 * holding no secret, to one fast search per form.
 */
export function replaceForms(forms: SecretForms, text: string, replacement: string): string {
  let out = text;
  for (const literal of forms.literals) if (out.includes(literal)) out = out.replaceAll(literal, replacement);
  for (const { core, pattern } of forms.embedded) if (out.includes(core)) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A secret and the parts of it that are secret on their own. A URL secret (a webhook) usually
 * holds its token in the path or query, which a server may echo without the origin, or in its
 * password: those are redacted wherever they appear too.
 */
function secretParts(value: string): string[] {
  const parts = [value];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return parts;
  }
  if (!url.host) return parts;
  if (url.pathname.length > 1) parts.push(url.pathname + url.search, url.pathname);
  if (url.search.length > 1) parts.push(url.search.slice(1));
  if (url.password) parts.push(url.password, safeDecode(url.password));
  return parts;
}

/**
 * Base64 works on 3-byte groups, so a secret inside a longer text (`user:secret`) is encoded in
 * one of three ways depending on its offset modulo 3, and the characters at its edges mix its
 * bits with its neighbours'. For each offset, the characters that depend on the secret alone are
 * fixed whatever surrounds it; the pattern is those, with the one mixed character on either side
 * (and padding), so that what remains decodes to the neighbours only.
 */
function embeddedBase64(secret: string, encoding: 'base64' | 'base64url', chars: string, pad: string): { core: string; source: string }[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: { core: string; source: string }[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString(encoding);
    const total = offset + bytes.length;
    const start = offset === 0 ? 0 : offset + 1;
    const end = Math.floor(total / 3) * 4 + (total % 3);
    const core = text.slice(start, end);
    if (core.length < MIN_CORE_CHARS) continue;
    const before = offset === 0 ? '' : `[${chars}]?`;
    const after = total % 3 === 0 ? '' : `[${chars}]?`;
    out.push({ core, source: `${before}${escapeRegExp(core)}${after}${pad}` });
  }
  return out;
}

/** `application/x-www-form-urlencoded`, where a space is `+`. */
function formEncoded(s: string): string {
  return new URLSearchParams({ v: s }).toString().slice(2);
}

/** The text inside a JSON string, as JSON.stringify writes it. */
function jsonEscaped(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** The same with every non-ASCII character as `\uXXXX`, as ASCII-only serializers write it. */
function jsonEscapedAscii(s: string): string {
  return jsonEscaped(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
