import type { ActionSpec } from './types.js';
import { awsIamDeactivateAccessKey } from './aws/iam-deactivate-access-key.js';
import { libraryAction } from './declarative/index.js';
import { edlAdd, edlRemove } from './edl/actions.js';
import { elasticsearchQuery } from './elasticsearch.js';
import { emailSend } from './email.js';
import { httpRequest } from './http.js';
import { incidentUpdate } from './incident-update.js';
import { kafkaProduce } from './kafka.js';
import { nftablesBlockAddress, nftablesUnblockAddress } from './nftables/actions.js';
import { transform } from './transform.js';

/** Every action a playbook step may name, one line each; the YAML `action` is the key. */
export const ACTIONS = {
  'http.request': httpRequest,
  'email.send': emailSend,
  'kafka.produce': kafkaProduce,
  'elasticsearch.query': elasticsearchQuery,
  'incident.update': incidentUpdate,
  transform,
  'nftables.block_address': nftablesBlockAddress,
  'nftables.unblock_address': nftablesUnblockAddress,
  'edl.add': edlAdd,
  'edl.remove': edlRemove,
  'aws.iam.deactivate_access_key': awsIamDeactivateAccessKey,
  // The action library: one YAML file each under ./library (declarative/ reads them).
  'slack.post_message': libraryAction('slack.post_message'),
  'teams.post_card': libraryAction('teams.post_card'),
  'pagerduty.send_event': libraryAction('pagerduty.send_event'),
  'jira.create_issue': libraryAction('jira.create_issue'),
  'jira.add_comment': libraryAction('jira.add_comment'),
  'jira.transition_issue': libraryAction('jira.transition_issue'),
  'thehive.create_alert': libraryAction('thehive.create_alert'),
  'virustotal.ip_report': libraryAction('virustotal.ip_report'),
  'virustotal.domain_report': libraryAction('virustotal.domain_report'),
  'virustotal.file_report': libraryAction('virustotal.file_report'),
  'abuseipdb.check': libraryAction('abuseipdb.check'),
  'greynoise.community': libraryAction('greynoise.community'),
  'rdap.ip': libraryAction('rdap.ip'),
  'crowdstrike.contain_host': libraryAction('crowdstrike.contain_host'),
  'crowdstrike.lift_containment': libraryAction('crowdstrike.lift_containment'),
  'keycloak.disable_user': libraryAction('keycloak.disable_user'),
  'keycloak.logout_user': libraryAction('keycloak.logout_user'),
  'okta.suspend_user': libraryAction('okta.suspend_user'),
  'okta.clear_sessions': libraryAction('okta.clear_sessions'),
  'defender.isolate_machine': libraryAction('defender.isolate_machine'),
  'defender.unisolate_machine': libraryAction('defender.unisolate_machine'),
} as const satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name);
}

export type { ActionSpec, ActionContext } from './types.js';
