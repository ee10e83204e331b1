/**
 * Okta System Log `eventType` → `event.category` / `event.type`, as Elastic's okta integration
 * maps them (its ingest pipeline's fixed lists, united with its table generated from Okta's event
 * types catalog). Types not listed fall back to `OKTA_FAMILIES` by prefix.
 */
export interface OktaCategorization {
  category: readonly string[];
  type: readonly string[];
}

const c = (category: string[], type: string[]): OktaCategorization => ({ category, type });
const AUTH_INFO = c(['authentication'], ['info']);
const IAM_USER = c(['iam'], ['user']);

// prettier-ignore
export const OKTA_EVENT_TYPES: Readonly<Record<string, OktaCategorization>> = {
  'user.session.start': c(['authentication', 'session'], ['start', 'info']),
  'user.session.end': c(['authentication', 'session'], ['end', 'info']),
  'user.session.expire': c(['session'], ['end']),
  'user.session.clear': c(['session'], ['info']),
  'user.session.access_admin_app': c(['session'], ['info']),
  'user.session.context.change': c(['session'], ['info']),
  'user.session.impersonation.initiate': c(['session'], ['start']),
  'user.session.impersonation.end': c(['session'], ['end']),
  'user.session.impersonation.grant': c(['session'], ['info']),
  'user.session.impersonation.revoke': c(['session'], ['info']),
  'user.session.impersonation.extend': c(['session'], ['info']),
  'user.authentication.sso': AUTH_INFO,
  'user.authentication.auth': AUTH_INFO,
  'user.authentication.auth_via_mfa': AUTH_INFO,
  'user.authentication.auth_via_IDP': AUTH_INFO,
  'user.authentication.auth_via_AD_agent': AUTH_INFO,
  'user.authentication.auth_via_LDAP_agent': AUTH_INFO,
  'user.authentication.auth_via_inbound_SAML': AUTH_INFO,
  'user.authentication.auth_via_inbound_delauth': AUTH_INFO,
  'user.authentication.auth_via_iwa': AUTH_INFO,
  'user.authentication.auth_via_radius': AUTH_INFO,
  'user.authentication.auth_via_richclient': AUTH_INFO,
  'user.authentication.auth_via_social': AUTH_INFO,
  'user.authentication.authenticate': AUTH_INFO,
  'user.authentication.verify': AUTH_INFO,
  'user.authentication.slo': AUTH_INFO,
  'user.authentication.universal_logout': c(['authentication'], ['end']),
  'user.identity_verification': AUTH_INFO,
  'user.identity_verification.start': c(['authentication'], ['start']),
  'user.credential.enroll': AUTH_INFO,
  'user.import.password': AUTH_INFO,
  'policy.evaluate_sign_on': AUTH_INFO,
  'user.mfa.attempt_bypass': AUTH_INFO,
  'user.mfa.factor.activate': c(['authentication'], ['info', 'start']),
  'user.mfa.factor.deactivate': c(['authentication'], ['end', 'info']),
  'user.mfa.factor.reset_all': AUTH_INFO,
  'user.mfa.factor.suspend': AUTH_INFO,
  'user.mfa.factor.unsuspend': AUTH_INFO,
  'user.mfa.factor.update': AUTH_INFO,
  'user.mfa.okta_verify': AUTH_INFO,
  'user.mfa.okta_verify.deny_push': AUTH_INFO,
  'user.account.expire_password': c(['authentication'], ['end', 'info']),
  'user.account.reset_password': AUTH_INFO,
  'user.account.update_password': AUTH_INFO,
  'user.account.lock': IAM_USER,
  'user.account.lock.limit': IAM_USER,
  'user.account.unlock': IAM_USER,
  'user.account.unlock_by_admin': IAM_USER,
  'user.account.unlock_failure': IAM_USER,
  'user.account.unlock_token': IAM_USER,
  'user.account.use_token': IAM_USER,
  'user.account.preference_update': IAM_USER,
  'user.account.privilege.grant': c(['iam'], ['info', 'user']),
  'user.account.privilege.revoke': c(['iam'], ['deletion', 'user']),
  'user.account.report_suspicious_activity_by_enduser': c(['iam'], ['info', 'user']),
  'user.account.update_primary_email': c(['iam'], ['change', 'user']),
  'user.account.update_secondary_email': c(['iam'], ['change', 'user']),
  'user.account.update_profile': c(['iam'], ['change', 'user']),
  'user.account.update_user_type': c(['iam'], ['change', 'user']),
  'user.lifecycle.create': c(['iam'], ['user', 'creation', 'info']),
  'user.lifecycle.activate': c(['iam'], ['user', 'change', 'info']),
  'user.lifecycle.reactivate': IAM_USER,
  'user.lifecycle.deactivate': c(['iam'], ['user', 'change', 'info']),
  'user.lifecycle.suspend': c(['iam'], ['user', 'change', 'info']),
  'user.lifecycle.unsuspend': c(['iam'], ['user', 'change', 'info']),
  'user.lifecycle.delete.initiated': c(['iam'], ['deletion', 'user']),
  'user.lifecycle.delete.completed': c(['iam'], ['deletion', 'user']),
  'user.lifecycle.password_mass_expiry': AUTH_INFO,
  'user.risk.change': c(['iam'], ['change', 'user']),
  'user.risk.detect': IAM_USER,
  'group.user_membership.add': c(['iam'], ['group', 'change']),
  'group.user_membership.remove': c(['iam'], ['group', 'change']),
  'application.user_membership.add': c(['iam'], ['user', 'change', 'info']),
  'application.user_membership.remove': c(['iam'], ['user', 'change', 'info']),
  'application.user_membership.change_username': c(['iam'], ['user', 'change', 'info']),
  'policy.lifecycle.create': c(['configuration'], ['creation']),
  'policy.lifecycle.update': c(['configuration'], ['change']),
  'policy.lifecycle.activate': c(['configuration'], ['change']),
  'policy.lifecycle.deactivate': c(['configuration'], ['change']),
  'policy.lifecycle.delete': c(['configuration'], ['deletion']),
  'policy.rule.add': c(['configuration'], ['change']),
  'policy.rule.update': c(['configuration'], ['change']),
  'policy.rule.activate': c(['configuration'], ['change']),
  'policy.rule.deactivate': c(['configuration'], ['change']),
  'policy.rule.delete': c(['configuration'], ['deletion']),
  'application.lifecycle.create': c(['configuration'], ['creation']),
  'application.lifecycle.update': c(['configuration'], ['change']),
  'application.lifecycle.activate': c(['configuration'], ['change']),
  'application.lifecycle.deactivate': c(['configuration'], ['change']),
  'application.lifecycle.delete': c(['configuration'], ['deletion']),
  'system.org.rate_limit.warning': c(['configuration'], ['info']),
  'system.org.rate_limit.violation': c(['configuration'], ['info']),
  'zone.create': c(['configuration'], ['creation']),
  'zone.update': c(['configuration'], ['change']),
  'zone.delete': c(['configuration'], ['deletion']),
  'zone.activate': c(['configuration'], ['info']),
  'zone.deactivate': c(['configuration'], ['info']),
};

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
