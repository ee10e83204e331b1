/**
 * The shared detection model: rule metadata, ATT&CK ids from tags, and the alert every detector
 * emits. Sigma, correlation, the engine and incidents import these from here; this folder
 * imports nothing else from detections/.
 */
export { alertRule, alertSeverity, alertThreat, buildAlert, copyPivots, firedRule, LEVEL_SCORE, type FiredRule } from './alert.js';
export { attackFromTags, ATTACK_TACTICS, type AttackIds, type AttackTactic } from './attack.js';
export { deepFreeze } from './freeze.js';
export { RULE_LEVELS, RULE_STATUSES, type RuleLevel, type RuleLocation, type RuleMeta, type RuleStatus, type Where } from './rule.js';
