import { ELASTIC_OKTA_TABLE } from './okta-event-table.js';

/**
 * Okta System Log `eventType` → `event.category` / `event.type`, as Elastic's okta integration
 * maps them: its pipeline appends fixed lists for a few types (`OKTA_FIXED`), then unites them
 * with its table generated from Okta's event types catalog (`okta-event-table.ts`, ~1,000 types).
 * Types in neither fall back to `OKTA_FAMILIES` by prefix.
 */
export interface OktaCategorization {
  category: readonly string[];
  type: readonly string[];
}

const c = (category: string[], type: string[]): OktaCategorization => ({ category, type });
const AUTH_INFO = c(['authentication'], ['info']);
const IAM_USER = c(['iam'], ['user']);

/**
 * The pipeline's own lists, applied before the table: `[category or type, value, event types]`.
 * Its `event.type: network` for rate-limit and blocked-request events is left out: ECS allows no
 * such type.
 */
// prettier-ignore
const OKTA_FIXED: ReadonlyArray<readonly ['category' | 'type', string, readonly string[]]> = [
  ['category', 'iam', ['group.user_membership.add', 'group.user_membership.remove', 'user.lifecycle.activate', 'user.lifecycle.create',
    'user.lifecycle.deactivate', 'user.lifecycle.suspend', 'user.lifecycle.unsuspend']],
  ['category', 'configuration', ['policy.lifecycle.activate', 'policy.lifecycle.create', 'policy.lifecycle.deactivate',
    'policy.lifecycle.delete', 'policy.lifecycle.update', 'policy.rule.activate', 'policy.rule.add', 'policy.rule.deactivate',
    'policy.rule.delete', 'application.lifecycle.create', 'application.lifecycle.delete', 'policy.rule.update',
    'application.lifecycle.activate', 'application.lifecycle.deactivate', 'application.lifecycle.update']],
  ['category', 'authentication', ['user.session.start', 'user.session.end', 'user.authentication.sso', 'policy.evaluate_sign_on']],
  ['category', 'session', ['user.session.start', 'user.session.end']],
  ['type', 'info', ['system.org.rate_limit.warning', 'system.org.rate_limit.violation', 'core.concurrency.org.limit.violation']],
  ['type', 'start', ['user.session.start']],
  ['type', 'end', ['user.session.end']],
  ['type', 'group', ['group.user_membership.add', 'group.user_membership.remove']],
  ['type', 'info', ['user.lifecycle.activate', 'user.lifecycle.create', 'user.lifecycle.deactivate', 'user.lifecycle.suspend',
    'user.lifecycle.unsuspend', 'user.authentication.sso', 'user.session.start', 'user.session.end', 'application.user_membership.add',
    'application.user_membership.remove', 'application.user_membership.change_username']],
  ['type', 'change', ['user.lifecycle.activate', 'user.lifecycle.deactivate', 'user.lifecycle.suspend', 'user.lifecycle.unsuspend',
    'group.user_membership.add', 'group.user_membership.remove', 'policy.lifecycle.activate', 'policy.lifecycle.deactivate',
    'policy.lifecycle.update', 'policy.rule.activate', 'policy.rule.add', 'policy.rule.deactivate', 'policy.rule.update',
    'application.user_membership.add', 'application.user_membership.remove', 'application.user_membership.change_username']],
  ['type', 'creation', ['user.lifecycle.create', 'policy.lifecycle.create', 'application.lifecycle.create']],
  ['type', 'deletion', ['policy.lifecycle.delete', 'application.lifecycle.delete']],
  ['type', 'info', ['policy.evaluate_sign_on']],
];

function buildTable(): Record<string, OktaCategorization> {
  const acc = new Map<string, { category: Set<string>; type: Set<string> }>();
  const entry = (eventType: string) => {
    let e = acc.get(eventType);
    if (!e) acc.set(eventType, (e = { category: new Set(), type: new Set() }));
    return e;
  };
  for (const [field, value, eventTypes] of OKTA_FIXED) for (const t of eventTypes) entry(t)[field].add(value);
  for (const line of ELASTIC_OKTA_TABLE.split('\n')) {
    const [eventType, categories, types] = line.split(' ');
    if (!eventType || !categories || !types) continue;
    const e = entry(eventType);
    for (const v of categories.split(',')) if (v !== '-') e.category.add(v);
    for (const v of types.split(',')) if (v !== '-') e.type.add(v);
  }
  return Object.fromEntries([...acc].map(([t, e]) => [t, c([...e.category], [...e.type])]));
}

/** Every event type Elastic's integration categorizes, with the union of its fixed lists and its table. */
export const OKTA_EVENT_TYPES: Readonly<Record<string, OktaCategorization>> = buildTable();

/**
 * For event types outside the table: the family's usual categorization in Elastic's table (every
 * `user.authentication.*` is authentication/info, every `user.session.*` a session, …). First
 * prefix that matches wins.
 */
export const OKTA_FAMILIES: ReadonlyArray<readonly [string, OktaCategorization]> = [
  ['user.authentication.', AUTH_INFO],
  ['user.mfa.', AUTH_INFO],
  ['user.session.', c(['session'], ['info'])],
  ['user.account.', IAM_USER],
  ['user.lifecycle.', IAM_USER],
  ['group.user_membership.', c(['iam'], ['group', 'change'])],
  ['app.oauth2.', AUTH_INFO],
];
