/**
 * Field entries whose modifiers do not fit together or do not fit their values (Sigma 2.1
 * modifiers appendix): conflicting or repeated modifiers, `cidr` on what is not a network,
 * comparisons of what is not a number, `all` over one value.
 */
import { isModifierName } from '../../sigma/modifiers/index.js';
import { parseNetwork } from '../../../core/net/ip.js';
import { fieldEntries, type FieldEntry } from '../detection.js';
import type { DocCheck, Emit, LintDoc } from '../model.js';

const TRANSFORMS = [
  'contains',
  'startswith',
  'endswith',
  'windash',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'cased',
];
const COMPARE = ['lt', 'lte', 'gt', 'gte'];
const REGEX_FLAGS = ['i', 'm', 's', 'ignorecase', 'multiline', 'dotall'];
/** Modifiers that take the value as something other than text, with the text modifiers they exclude. */
const EXCLUSIVE: Readonly<Record<string, readonly string[]>> = {
  re: ['contains', 'windash', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'cidr', 'exists', ...COMPARE],
  cidr: [...TRANSFORMS, 'exists', ...COMPARE],
  exists: [...TRANSFORMS, ...COMPARE, 'all', 'expand', 'fieldref'],
  lt: TRANSFORMS,
  lte: TRANSFORMS,
  gt: TRANSFORMS,
  gte: TRANSFORMS,
};

function entryCheck(
  id: string,
  severity: DocCheck['severity'],
  description: string,
  test: (e: FieldEntry, emit: Emit, doc: LintDoc) => void,
): DocCheck {
  return { id, severity, group: 'logic', description, run: (doc, emit) => fieldEntries(doc).forEach((e) => test(e, emit, doc)) };
}

const label = (e: FieldEntry): string => [e.field ?? '', ...e.modifiers].join('|');
const strings = (e: FieldEntry) =>
  e.values.filter((v) => typeof v.value === 'string') as (FieldEntry['values'][number] & { value: string })[];

export const modifierUnknown = entryCheck('modifier-unknown', 'error', 'a value modifier Sigma does not define', (e, emit) => {
  for (const m of e.modifiers)
    if (!isModifierName(m)) emit(e.key, m === '' ? `empty modifier in '${label(e)}'` : `unknown modifier '${m}' in '${label(e)}'`);
});

export const modifierDuplicate = entryCheck(
  'modifier-duplicate',
  'error',
  'the same modifier written twice on one field (the engine refuses it)',
  (e, emit) => {
    const seen = new Set<string>();
    for (const m of e.modifiers) {
      if (seen.has(m)) emit(e.key, `modifier '${m}' is written twice in '${label(e)}'`);
      seen.add(m);
    }
  },
);

export const modifierConflict = entryCheck(
  'modifier-conflict',
  'error',
  "modifiers that contradict each other (e.g. 're' with 'contains', 'startswith' with 'endswith', 'cidr' with 'contains')",
  (e, emit) => {
    const mods = e.modifiers;
    for (const [m, excluded] of Object.entries(EXCLUSIVE)) {
      if (!mods.includes(m)) continue;
      const other = mods.find((o) => o !== m && excluded.includes(o));
      if (other) return emit(e.key, `'${m}' and '${other}' contradict each other in '${label(e)}'`);
    }
    const positions = mods.filter((m) => m === 'contains' || m === 'startswith' || m === 'endswith');
    if (new Set(positions).size > 1 && !mods.includes('re'))
      emit(e.key, `'${positions.join("' and '")}' contradict each other in '${label(e)}': each anchors the value differently`);
  },
);

export const regexFlagWithoutRe = entryCheck('regex-flag-without-re', 'error', "a regex flag ('i', 'm', 's') without 're'", (e, emit) => {
  const flag = e.modifiers.find((m) => REGEX_FLAGS.includes(m));
  if (flag && !e.modifiers.includes('re')) emit(e.key, `'${flag}' is a flag of 're', which '${label(e)}' does not use`);
});

export const cidrInvalid = entryCheck('cidr-invalid', 'error', "a 'cidr' value that is not an IPv4 or IPv6 network", (e, emit) => {
  if (!e.modifiers.includes('cidr')) return;
  for (const v of e.values) {
    const s = typeof v.value === 'string' ? v.value : undefined;
    if (s === undefined || !parseNetwork(s)) emit(v, `'${String(v.value)}' is not a network in CIDR notation (10.0.0.0/8, fe80::/10)`);
  }
});

export const allSingle = entryCheck(
  'all-single-value',
  'error',
  "'all' over a single value (it ANDs nothing; the engine refuses it)",
  (e, emit) => {
    if (e.modifiers.includes('all') && e.values.length <= 1) emit(e.key, `'all' in '${label(e)}' has a single value: it ANDs nothing`);
  },
);

export const compareNotNumber = entryCheck(
  'compare-not-number',
  'error',
  "'lt', 'lte', 'gt' or 'gte' with a value that is not a number",
  (e, emit) => {
    if (!e.modifiers.some((m) => COMPARE.includes(m))) return;
    for (const v of e.values) if (typeof v.value !== 'number') emit(v, `'${String(v.value)}' is not a number`);
  },
);

export const existsNotBoolean = entryCheck('exists-not-boolean', 'error', "'exists' with a value other than true or false", (e, emit) => {
  if (!e.modifiers.includes('exists')) return;
  if (e.values.length !== 1 || typeof e.values[0]?.value !== 'boolean') emit(e.node, `'exists' takes true or false`);
});

export const base64offsetWithoutContains = entryCheck(
  'base64offset-without-contains',
  'warning',
  "'base64offset' without 'contains': the encoded value sits inside a longer string",
  (e, emit) => {
    if (e.modifiers.includes('base64offset') && !e.modifiers.includes('contains'))
      emit(e.key, `'${label(e)}' should be '|base64offset|contains': an offset encoding only matches inside a longer string`);
  },
);

export const windashNoDash = entryCheck('windash-no-dash', 'warning', "a 'windash' value with no '-' or '/' to vary", (e, emit) => {
  if (!e.modifiers.includes('windash')) return;
  for (const v of strings(e)) if (!/[-/]/.test(v.value)) emit(v, `'${v.value}' has no '-' or '/': 'windash' does nothing to it`);
});

export const redundantWildcard = entryCheck(
  'wildcard-redundant',
  'info',
  "a leading or trailing '*' that 'contains', 'startswith' or 'endswith' already implies",
  (e, emit) => {
    const m = e.modifiers;
    if (m.includes('re')) return;
    for (const v of strings(e)) {
      if (/^[*?]+$/.test(v.value)) continue;
      const lead = v.value.startsWith('*') && (m.includes('contains') || m.includes('endswith'));
      const trail = /(^|[^\\])\*$/.test(v.value) && (m.includes('contains') || m.includes('startswith'));
      if (lead || trail) emit(v, `the '*' of '${v.value}' is implied by '${m.find((x) => x !== 'all' && x !== 'cased')}'`);
    }
  },
);

export const nullWithModifier = entryCheck(
  'null-with-modifier',
  'error',
  'a null value under a string modifier: it matches nothing',
  (e, emit) => {
    if (!e.modifiers.some((m) => TRANSFORMS.includes(m) || m === 're')) return;
    for (const v of e.values)
      if (v.value === null) emit(v, `null under '${label(e)}' matches nothing: use 'field: null' for an absent value`);
  },
);
