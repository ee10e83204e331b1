/**
 * The rule prefilter: picks per event the rules that could match it (logsource index, then a
 * multi-literal scan), so that most rules are never evaluated against an event that cannot match.
 */
export { AhoCorasick } from './aho-corasick.js';
export { KEYWORDS, longestLiteral, ruleClause, type Atom, type Clause, type Source } from './literals.js';
export { RuleIndex, type IndexEntry, type RuleIndexOptions, type RuleIndexStats } from './rule-index.js';
