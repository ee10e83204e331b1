/**
 * `playbooks` in vigil.yaml: where playbooks are read from, how many run at once, their secrets,
 * the actions' rate limits and where actions may connect. Its TypeScript view is
 * `PlaybooksConfig` (core/config/types.ts); the assertion below fails to compile when the two drift apart.
 */
import { array, map, number, object, string, type Infer, type Same } from '../core/config/dsl.js';
import type { PlaybooksConfig } from '../core/config/types.js';

export const playbooksSchema = object({
  description: 'Response playbooks run on BullMQ.',
  fields: {
    paths: array({
      description: 'Files or folders of playbooks, relative to the working directory.',
      items: string({ description: 'A file or folder.', minLength: 1 }),
      default: ['rules/playbooks'],
    }),
    concurrency: number({ description: 'Jobs run at once by one worker.', int: true, min: 1, max: 1000, default: 4 }),
    dispatchConcurrency: number({
      description:
        'Incidents of different ids one respond worker dispatches at once from a consumed batch (matching, storing the runs, auditing their start, queueing their first steps); the versions of one incident are dispatched one after another, in order.',
      int: true,
      min: 1,
      max: 1000,
      default: 32,
    }),
    secrets: map({
      description: 'Named secrets for `${{ secrets.NAME }}` in playbooks; take values from the environment with `${VAR}`.',
      values: string({ description: 'A secret value.', sensitive: true }),
      sensitive: true,
      default: {},
    }),
    rateLimits: map({
      description:
        "Rate limits per action (`slack.post_message`), shared by every worker through Redis; each replaces the action's own default (the vendor's published limit). A call over the limit waits: it is not failed and uses no retry.",
      values: object({
        description: "One action's limit: give perSecond or perMinute.",
        fields: {
          perSecond: number({ description: 'Calls per second (may be below 1, e.g. 0.5).', min: 0.001, optional: true }),
          perMinute: number({ description: 'Calls per minute.', min: 0.001, optional: true }),
        },
      }),
      optional: true,
    }),
    network: object({
      description:
        "Where playbook actions may connect (HTTP, email.send's SMTP server, the firewall nftables.* reaches over SSH). Loopback, private (RFC 1918, fc00::/7), link-local, CGNAT, multicast and cloud-metadata addresses are refused unless allowed here (for every playbook) or in a step's allow_hosts.",
      fields: {
        allow: array({
          description:
            'Host names (`siem.internal`, `*.corp.example`), addresses and networks (`10.0.0.0/8`) every playbook may reach, e.g. on-premises ticketing. A metadata endpoint (169.254.169.254) only when named exactly. Checked on the resolved address at connect time.',
          items: string({ description: 'A host name, an address or a network.', minLength: 1 }),
          default: [],
        }),
      },
      optional: true,
    }),
  },
});

type Assert<T extends true> = T;
export type PlaybooksSchemaAgreesWithType = Assert<Same<Infer<typeof playbooksSchema>, PlaybooksConfig>>;
