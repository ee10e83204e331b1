/**
 * `re` values as the engine runs them: on RE2 (re2js), which refuses what needs backtracking.
 * Also flags written inline (`(?i)`) where a modifier says it, and regexes that match anything.
 */
import { RE2JS } from 're2js';
import { explainRegexError } from '../../sigma/regex.js';
import { fieldEntries, type FieldEntry } from '../detection.js';
import type { DocCheck, Emit } from '../model.js';

const FLAGS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  ignorecase: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  multiline: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  dotall: RE2JS.DOTALL,
};

function eachRegex(e: FieldEntry, visit: (source: string, node: FieldEntry['values'][number]) => void): void {
  if (!e.modifiers.includes('re')) return;
  for (const v of e.values) if (typeof v.value === 'string') visit(v.value, v);
}

/** undefined when RE2 runs it; else whether the regex is malformed (or valid PCRE beyond RE2) and why. */
function refusal(source: string, flags: number): { invalid: boolean; message: string } | undefined {
  try {
    RE2JS.compile(source, flags);
    return undefined;
  } catch (err) {
    const e = explainRegexError(source, err);
    return { invalid: e.kind !== 'unsupported', message: e.message };
  }
}

function regexCheck(
  id: string,
  severity: DocCheck['severity'],
  description: string,
  test: (source: string, node: FieldEntry['values'][number], e: FieldEntry, emit: Emit) => void,
): DocCheck {
  return {
    id,
    severity,
    group: 'logic',
    description,
    run: (doc, emit) => fieldEntries(doc).forEach((e) => eachRegex(e, (s, n) => test(s, n, e, emit))),
  };
}

const flagsOf = (e: FieldEntry): number => e.modifiers.reduce((f, m) => f | (FLAGS[m] ?? 0), 0);

export const regexInvalid = regexCheck(
  'regex-invalid',
  'error',
  'a regular expression that does not parse in any flavour',
  (s, node, e, emit) => {
    const r = refusal(s, flagsOf(e));
    if (r?.invalid) emit(node, r.message);
  },
);

export const regexRe2 = regexCheck(
  're2-unsupported',
  'error',
  'a valid PCRE regular expression RE2 refuses (lookaround, backreferences, atomic groups…): the engine cannot run the rule',
  (s, node, e, emit) => {
    const r = refusal(s, flagsOf(e));
    if (r && !r.invalid) emit(node, r.message);
  },
);

export const regexInlineFlag = regexCheck(
  'regex-inline-flag',
  'info',
  "a regex flag written inline ('(?i)') where the 're|i' (or 'm', 's') modifier says it portably",
  (s, node, e, emit) => {
    const m = /^\(\?([imsx]+)\)/.exec(s);
    if (!m) return;
    const dup = [...(m[1] as string)].filter((f) => e.modifiers.includes(f));
    emit(
      node,
      dup.length > 0
        ? `'(?${m[1]})' repeats the '${dup.join("', '")}' modifier`
        : `'(?${m[1]})': write the flag as a modifier ('|re|${[...(m[1] as string)].join('|')}')`,
    );
  },
);

export const regexCaseClasses = regexCheck(
  'regex-case-classes',
  'info',
  "a regex spelling both cases of letters ('[Cc][Mm][Dd]') where the 'i' modifier does it",
  (s, node, e, emit) => {
    if (e.modifiers.includes('i') || e.modifiers.includes('ignorecase')) return;
    const pairs = s.match(/\[([a-zA-Z])([a-zA-Z])\]/g) ?? [];
    const caseless = pairs.filter((p) => p[1] !== p[2] && (p[1] as string).toLowerCase() === (p[2] as string).toLowerCase());
    if (caseless.length >= 3) emit(node, `'${s.length > 60 ? `${s.slice(0, 57)}...` : s}' spells out both cases: use '|re|i'`);
  },
);

export const regexMatchesAnything = regexCheck(
  'regex-matches-anything',
  'warning',
  "a regex that matches any value ('.*', '^.*$', '')",
  (s, node, _e, emit) => {
    if (/^\^?(\.\*)?\$?$/.test(s)) emit(node, `the regex '${s}' matches any value`);
  },
);
