/**
 * SigmaHQ conventions for the metadata block: title, id, related, status, level, dates,
 * description, author, references, false positives, fields and top-level keys (SigmaHQ rule
 * creation guide and its CI tests; Sigma rules specification 2.1, "Rule metadata").
 */
import { RULE_LEVELS, RULE_STATUSES } from '../../model/index.js';
import { at, items, keyNode, present, text, val } from '../document.js';
import type { DocCheck, LintDoc } from '../model.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** SigmaHQ's limit on title length. */
const TITLE_MAX = 110;
const RELATED_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];

/** The specification's attributes, and SigmaHQ's own (`regression_tests_path`, `simulation`) on rules. */
const TOP_KEYS: Record<LintDoc['kind'], ReadonlySet<string>> = {
  rule: new Set(
    'title id related name taxonomy status description license author references date modified logsource detection fields falsepositives level tags scope regression_tests_path simulation'.split(
      ' ',
    ),
  ),
  correlation: new Set(
    'title id related name taxonomy status description license author references date modified correlation falsepositives level tags generate'.split(
      ' ',
    ),
  ),
  filter: new Set(
    'title id related name taxonomy status level description license author references date modified logsource filter tags'.split(' '),
  ),
};

const notFilter = (doc: LintDoc): boolean => doc.kind !== 'filter';

export const titleMissing: DocCheck = {
  id: 'title-missing',
  severity: 'error',
  group: 'convention',
  description: "the document has no 'title', or it is empty",
  run(doc, emit) {
    const t = text(val(doc.root, 'title'));
    if (t === undefined || t.trim() === '') emit(at(doc.root, 'title'), "the rule has no 'title'");
  },
};

export const titleTooLong: DocCheck = {
  id: 'title-too-long',
  severity: 'warning',
  group: 'convention',
  description: `the title is longer than ${TITLE_MAX} characters`,
  run(doc, emit) {
    const t = text(val(doc.root, 'title'));
    if (t !== undefined && t.length > TITLE_MAX) emit(at(doc.root, 'title'), `the title has ${t.length} characters (at most ${TITLE_MAX})`);
  },
};

export const titleTrailingPeriod: DocCheck = {
  id: 'title-trailing-period',
  severity: 'warning',
  group: 'convention',
  description: 'the title ends with a period',
  run(doc, emit) {
    const t = text(val(doc.root, 'title'));
    if (t?.trimEnd().endsWith('.')) emit(at(doc.root, 'title'), 'the title ends with a period');
  },
};

export const titleWhitespace: DocCheck = {
  id: 'title-whitespace',
  severity: 'info',
  group: 'convention',
  description: 'the title has leading or trailing whitespace, or a line break',
  run(doc, emit) {
    const t = text(val(doc.root, 'title'));
    if (t !== undefined && (t !== t.trim() || t.includes('\n')))
      emit(at(doc.root, 'title'), 'the title has leading or trailing whitespace or a line break');
  },
};

export const idMissing: DocCheck = {
  id: 'id-missing',
  severity: 'error',
  group: 'convention',
  description: "a rule has no 'id' (correlations may use 'name')",
  run(doc, emit) {
    const id = text(val(doc.root, 'id'));
    if (id !== undefined && id.trim() !== '') return;
    if (doc.kind !== 'rule' && present(val(doc.root, 'name'))) return;
    emit(at(doc.root, 'id'), "the rule has no 'id'");
  },
};

export const idNotUuid: DocCheck = {
  id: 'id-not-uuid',
  severity: 'error',
  group: 'convention',
  description: "'id' is not a UUID",
  run(doc, emit) {
    const id = text(val(doc.root, 'id'));
    if (id !== undefined && id !== '' && !UUID.test(id)) emit(at(doc.root, 'id'), `'id' ${JSON.stringify(id)} is not a UUID`);
  },
};

export const idNotV4: DocCheck = {
  id: 'id-not-uuid-v4',
  severity: 'warning',
  group: 'convention',
  description: "'id' is a UUID but not a random (version 4) one",
  run(doc, emit) {
    const id = text(val(doc.root, 'id'));
    if (id !== undefined && UUID.test(id) && !UUID_V4.test(id)) emit(at(doc.root, 'id'), `'id' ${id} is not a version 4 UUID`);
  },
};

export const idNotLowercase: DocCheck = {
  id: 'id-uppercase',
  severity: 'info',
  group: 'convention',
  description: "'id' has upper-case hex digits",
  run(doc, emit) {
    const id = text(val(doc.root, 'id'));
    if (id !== undefined && UUID.test(id) && id !== id.toLowerCase()) emit(at(doc.root, 'id'), `'id' ${id} is not lower case`);
  },
};

export const relatedInvalid: DocCheck = {
  id: 'related-invalid',
  severity: 'error',
  group: 'convention',
  description: "'related' is not a list of {id, type} maps",
  run(doc, emit) {
    const node = val(doc.root, 'related');
    if (!present(node)) return;
    if (node.kind !== 'seq') return emit(node, "'related' must be a list of {id, type} maps");
    for (const item of node.items)
      if (item.kind !== 'map' || !present(val(item, 'id')) || !present(val(item, 'type')))
        emit(item, "each 'related' entry is a map with 'id' and 'type'");
  },
};

export const relatedIdInvalid: DocCheck = {
  id: 'related-id-invalid',
  severity: 'error',
  group: 'convention',
  description: "a 'related' id is not a UUID, or is the rule's own id",
  run(doc, emit) {
    const own = text(val(doc.root, 'id'));
    for (const item of items(val(doc.root, 'related'))) {
      const idNode = val(item, 'id');
      const id = text(idNode);
      if (id === undefined) continue;
      if (!UUID.test(id)) emit(idNode, `related id ${JSON.stringify(id)} is not a UUID`);
      else if (id === own) emit(idNode, 'the rule is related to itself');
    }
  },
};

export const relatedTypeInvalid: DocCheck = {
  id: 'related-type-invalid',
  severity: 'error',
  group: 'convention',
  description: `a 'related' type is not one of ${RELATED_TYPES.join(', ')}`,
  run(doc, emit) {
    for (const item of items(val(doc.root, 'related'))) {
      const node = val(item, 'type');
      const t = text(node);
      if (t !== undefined && !RELATED_TYPES.includes(t)) emit(node, `related type '${t}' is not one of ${RELATED_TYPES.join(', ')}`);
    }
  },
};

export const statusMissing: DocCheck = {
  id: 'status-missing',
  severity: 'warning',
  group: 'convention',
  description: "the rule has no 'status'",
  run(doc, emit) {
    if (notFilter(doc) && !present(val(doc.root, 'status'))) emit(at(doc.root, 'status'), "the rule has no 'status'");
  },
};

export const statusInvalid: DocCheck = {
  id: 'status-invalid',
  severity: 'error',
  group: 'convention',
  description: `'status' is not one of ${RULE_STATUSES.join(', ')}`,
  run(doc, emit) {
    const node = val(doc.root, 'status');
    const s = text(node);
    if (present(node) && (s === undefined || !(RULE_STATUSES as readonly string[]).includes(s)))
      emit(node, `status ${JSON.stringify(s ?? null)} is not one of ${RULE_STATUSES.join(', ')}`);
  },
};

export const levelMissing: DocCheck = {
  id: 'level-missing',
  severity: 'warning',
  group: 'convention',
  description: "the rule has no 'level'",
  run(doc, emit) {
    if (notFilter(doc) && !present(val(doc.root, 'level'))) emit(at(doc.root, 'level'), "the rule has no 'level'");
  },
};

export const levelInvalid: DocCheck = {
  id: 'level-invalid',
  severity: 'error',
  group: 'convention',
  description: `'level' is not one of ${RULE_LEVELS.join(', ')}`,
  run(doc, emit) {
    const node = val(doc.root, 'level');
    const s = text(node);
    if (present(node) && (s === undefined || !(RULE_LEVELS as readonly string[]).includes(s)))
      emit(node, `level ${JSON.stringify(s ?? null)} is not one of ${RULE_LEVELS.join(', ')}`);
  },
};

export const dateMissing: DocCheck = {
  id: 'date-missing',
  severity: 'warning',
  group: 'convention',
  description: "the rule has no 'date'",
  run(doc, emit) {
    if (notFilter(doc) && !present(val(doc.root, 'date'))) emit(at(doc.root, 'date'), "the rule has no 'date'");
  },
};

/** A real calendar day written YYYY-MM-DD. */
function isDay(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

function dateFormat(key: 'date' | 'modified'): DocCheck {
  return {
    id: `${key}-format`,
    severity: 'error',
    group: 'convention',
    description: `'${key}' is not a calendar date written YYYY-MM-DD`,
    run(doc, emit) {
      const node = val(doc.root, key);
      if (!present(node)) return;
      const s = text(node);
      if (s === undefined || !isDay(s)) emit(node, `${key} ${JSON.stringify(s ?? null)} is not a date written YYYY-MM-DD`);
    },
  };
}
export const dateFormatCheck = dateFormat('date');
export const modifiedFormatCheck = dateFormat('modified');

export const modifiedBeforeDate: DocCheck = {
  id: 'modified-before-date',
  severity: 'error',
  group: 'convention',
  description: "'modified' is earlier than 'date'",
  run(doc, emit) {
    const date = text(val(doc.root, 'date'));
    const node = val(doc.root, 'modified');
    const modified = text(node);
    if (date && modified && isDay(date) && isDay(modified) && modified < date)
      emit(node, `modified ${modified} is earlier than date ${date}`);
  },
};

export const dateInFuture: DocCheck = {
  id: 'date-in-future',
  severity: 'warning',
  group: 'convention',
  description: "'date' or 'modified' is after today",
  run(doc, emit, options) {
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    for (const key of ['date', 'modified']) {
      const node = val(doc.root, key);
      const s = text(node);
      if (s !== undefined && isDay(s) && s > today) emit(node, `${key} ${s} is in the future (today is ${today})`);
    }
  },
};

export const descriptionMissing: DocCheck = {
  id: 'description-missing',
  severity: 'warning',
  group: 'convention',
  description: "the rule has no 'description'",
  run(doc, emit) {
    const d = text(val(doc.root, 'description'));
    if (d === undefined || d.trim() === '') emit(at(doc.root, 'description'), "the rule has no 'description'");
  },
};

export const descriptionIsTitle: DocCheck = {
  id: 'description-is-title',
  severity: 'info',
  group: 'convention',
  description: 'the description only repeats the title',
  run(doc, emit) {
    const t = text(val(doc.root, 'title'))?.trim().toLowerCase();
    const d = text(val(doc.root, 'description'))?.trim().toLowerCase();
    if (t && d && d.replace(/\.$/, '') === t.replace(/\.$/, '')) emit(at(doc.root, 'description'), 'the description repeats the title');
  },
};

export const authorMissing: DocCheck = {
  id: 'author-missing',
  severity: 'warning',
  group: 'convention',
  description: "the rule has no 'author'",
  run(doc, emit) {
    const a = text(val(doc.root, 'author'));
    if (a === undefined || a.trim() === '') emit(at(doc.root, 'author'), "the rule has no 'author'");
  },
};

export const referencesNotList: DocCheck = {
  id: 'references-not-list',
  severity: 'error',
  group: 'convention',
  description: "'references' is not a list of strings",
  run(doc, emit) {
    const node = val(doc.root, 'references');
    if (present(node) && (node.kind !== 'seq' || node.items.some((i) => text(i) === undefined)))
      emit(node, "'references' must be a list of strings");
  },
};

export const referenceNotUrl: DocCheck = {
  id: 'reference-not-url',
  severity: 'warning',
  group: 'convention',
  description: 'a reference is not an http(s) URL',
  run(doc, emit) {
    const node = val(doc.root, 'references');
    if (node?.kind !== 'seq') return;
    for (const item of node.items) {
      const s = text(item);
      if (s !== undefined && !/^https?:\/\/[^\s/]+\S*$/.test(s)) emit(item, `reference ${JSON.stringify(s)} is not an http(s) URL`);
    }
  },
};

export const referenceDuplicate: DocCheck = {
  id: 'reference-duplicate',
  severity: 'warning',
  group: 'convention',
  description: 'the same reference is listed twice',
  run(doc, emit) {
    const node = val(doc.root, 'references');
    if (node?.kind !== 'seq') return;
    const seen = new Set<string>();
    for (const item of node.items) {
      const s = text(item);
      if (s === undefined) continue;
      if (seen.has(s)) emit(item, `reference ${s} is listed twice`);
      seen.add(s);
    }
  },
};

export const falsepositivesNotList: DocCheck = {
  id: 'falsepositives-not-list',
  severity: 'warning',
  group: 'convention',
  description: "'falsepositives' is not a list of strings",
  run(doc, emit) {
    const node = val(doc.root, 'falsepositives');
    if (present(node) && (node.kind !== 'seq' || node.items.some((i) => text(i) === undefined)))
      emit(node, "'falsepositives' must be a list of strings");
  },
};

export const fieldsNotList: DocCheck = {
  id: 'fields-not-list',
  severity: 'warning',
  group: 'convention',
  description: "'fields' is not a list of strings",
  run(doc, emit) {
    const node = val(doc.root, 'fields');
    if (!present(node)) return;
    if (node.kind !== 'seq') return emit(node, "'fields' must be a list of field names");
    for (const item of node.items)
      if (item.kind !== 'scalar' || typeof item.value !== 'string') emit(item, "each of 'fields' must be a string");
  },
};

export const unknownKey: DocCheck = {
  id: 'unknown-key',
  severity: 'warning',
  group: 'convention',
  description: 'a top-level key the Sigma specification does not define',
  run(doc, emit) {
    const allowed = TOP_KEYS[doc.kind];
    for (const pair of doc.root.pairs) {
      const k = text(pair.key);
      if (k !== undefined && !allowed.has(k)) emit(pair.key, `'${k}' is not a Sigma ${doc.kind} attribute`);
    }
  },
};

export const keyOrder: DocCheck = {
  id: 'title-not-first',
  severity: 'info',
  group: 'convention',
  description: "'title' is not the first key of the document",
  run(doc, emit) {
    const first = doc.root.pairs[0];
    if (first && text(first.key) !== 'title' && keyNode(doc.root, 'title'))
      emit(keyNode(doc.root, 'title'), "'title' is not the first key");
  },
};

export const deprecatedWithoutRelated: DocCheck = {
  id: 'deprecated-without-related',
  severity: 'warning',
  group: 'convention',
  description: "a deprecated rule with no 'related' entry naming what replaces it",
  run(doc, emit) {
    if (text(val(doc.root, 'status')) === 'deprecated' && !present(val(doc.root, 'related')))
      emit(val(doc.root, 'status'), "the rule is deprecated but no 'related' entry says what replaces it");
  },
};

export const fieldsDuplicate: DocCheck = {
  id: 'fields-duplicate',
  severity: 'warning',
  group: 'convention',
  description: "the same name listed twice in 'fields'",
  run(doc, emit) {
    const node = val(doc.root, 'fields');
    if (node?.kind !== 'seq') return;
    const seen = new Set<string>();
    for (const item of node.items) {
      const s = text(item);
      if (s === undefined) continue;
      if (seen.has(s)) emit(item, `'${s}' is listed twice in 'fields'`);
      seen.add(s);
    }
  },
};

export const filterLevelStatus: DocCheck = {
  id: 'filter-has-level-or-status',
  severity: 'warning',
  group: 'convention',
  description: "a Sigma filter with a 'level' or 'status' (the rules it tunes have them; a filter does not)",
  run(doc, emit) {
    if (doc.kind !== 'filter') return;
    for (const k of ['level', 'status'])
      if (keyNode(doc.root, k)) emit(keyNode(doc.root, k), `a filter has no '${k}': the rules it applies to keep theirs`);
  },
};

export const detectionMissing: DocCheck = {
  id: 'detection-missing',
  severity: 'error',
  group: 'logic',
  description: "a rule with no 'detection' map",
  run(doc, emit) {
    if (doc.kind !== 'rule') return;
    const node = val(doc.root, 'detection');
    if (node?.kind !== 'map') emit(at(doc.root, 'detection'), "the rule has no 'detection'");
  },
};
