/**
 * Sigma `re` values on RE2 (the `re2js` port): matching is linear in the length of the text,
 * so no event can make a rule backtrack for long. What RE2 cannot run (lookaround,
 * backreferences, possessive quantifiers…) is refused when the rule loads, with the reason.
 */
import { RE2JS } from 're2js';
import { ModifierError, type SigmaValue } from './modifiers/index.js';

type RegexValue = Extract<SigmaValue, { kind: 'regex' }>;

/** Malformed in any flavour (as opposed to valid PCRE that RE2 does not run). */
const MALFORMED = new Set([
  'missing closing ]',
  'missing closing )',
  'unexpected )',
  'missing argument to repetition operator',
  'trailing backslash at end of expression',
  'invalid character class range',
  'duplicate capture group name',
]);

/** Compiled programs shared by every rule that writes the same regex with the same flags. */
const cache = new Map<string, RE2JS>();

function compile(source: string, flags: number): RE2JS {
  const key = `${flags}:${source}`;
  let re = cache.get(key);
  if (!re) {
    re = RE2JS.compile(source, flags);
    cache.set(key, re);
  }
  return re;
}

/** Why RE2 refuses a regex, and whether the rule is wrong (`invalid`) or only beyond RE2 (`unsupported`). */
export function explainRegexError(source: string, err: unknown): ModifierError {
  const code = (err as { error?: unknown }).error;
  const detail = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
  const shown = source.length > 120 ? `${source.slice(0, 117)}...` : source;
  if (/\(\?<?[=!]/.test(source)) {
    return new ModifierError(
      `regular expression '${shown}' uses a lookahead or lookbehind assertion, which needs backtracking: RE2 (linear time) cannot run it`,
      'unsupported',
    );
  }
  if (/\\[1-9]|\\k[<{']/.test(source)) {
    return new ModifierError(
      `regular expression '${shown}' uses a backreference, which needs backtracking: RE2 (linear time) cannot run it`,
      'unsupported',
    );
  }
  if (/\(\?>/.test(source)) {
    return new ModifierError(`regular expression '${shown}' uses an atomic group, which RE2 (linear time) cannot run`, 'unsupported');
  }
  if (typeof code === 'string' && MALFORMED.has(code)) {
    return new ModifierError(`invalid regular expression '${shown}': ${detail}`);
  }
  return new ModifierError(`RE2 cannot run the regular expression '${shown}': ${detail}`, 'unsupported');
}

/** A test of text against a `re` value; throws ModifierError at compile time when RE2 refuses it. */
export function compileRegex(v: RegexValue): (text: string) => boolean {
  const flags = (v.flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (v.flags.m ? RE2JS.MULTILINE : 0) | (v.flags.s ? RE2JS.DOTALL : 0);
  try {
    compile(v.source, flags);
  } catch (err) {
    throw explainRegexError(v.source, err);
  }
  // \A and \z anchor at the ends of the value even with the m flag.
  let source = v.source;
  if (v.anchorStart) source = `\\A(?:${source})`;
  if (v.anchorEnd) source = `(?:${source})\\z`;
  const re = compile(source, flags);
  return (text) => re.test(text);
}
