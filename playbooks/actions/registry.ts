import type { ActionSpec } from './types.js';
import { libraryAction } from './declarative/index.js';
import { elasticsearchQuery } from './elasticsearch.js';
import { emailSend } from './email.js';
import { httpRequest } from './http.js';
import { kafkaProduce } from './kafka.js';
import { transform } from './transform.js';

/** Every action a playbook step may name, one line each; the YAML `action` is the key. */
export const ACTIONS = {
  'http.request': httpRequest,
  'email.send': emailSend,
  'kafka.produce': kafkaProduce,
  'elasticsearch.query': elasticsearchQuery,
  transform,
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
} as const satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name);
}

export type { ActionSpec, ActionContext } from './types.js';
