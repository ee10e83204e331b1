/**
 * Which inputs authenticate their senders. An input that listens on the network and lets anyone
 * write events into the pipeline is refused, unless its config says `auth: none` on purpose:
 * at load time (a located config problem, see `rules.ts`) and again at start, for configs built
 * in code.
 */
import { VigilError, type ErrorCode } from '../errors/index.js';
import type { InputConfig } from './types.js';

/** A problem with one object of the config, located at one of its fields. */
export interface FieldProblem {
  code: ErrorCode;
  message: string;
  /** The field at fault, dotted, relative to the object; the object itself when it is absent. */
  field: string;
}

const OPT_OUT = 'or say `auth: none` to accept events from anyone who can reach the port';

/** Why `input` authenticates nobody, or nothing when it does (or opted out, or does not listen). */
export function inputAuthProblems(input: InputConfig): FieldProblem[] {
  const insecure = (message: string): FieldProblem[] => [{ code: 'CONFIG_INSECURE', message, field: 'auth' }];
  switch (input.type) {
    case 'syslog': {
      if (input.auth === 'none') return [];
      const t = input.tls;
      const mutualTls = input.protocol === 'tls' && t?.requestCert === true && t.rejectUnauthorized && t.caFile !== undefined;
      if (mutualTls) return [];
      return insecure(
        `syslog over ${input.protocol} has no authentication: use protocol tls with tls.caFile and tls.requestCert (mutual TLS), ${OPT_OUT}`,
      );
    }
    case 'splunk-s2s': {
      if (input.auth === 'none') return [];
      const t = input.tls;
      if (t?.enabled && t.requireClientCert && t.caFile !== undefined) return [];
      return insecure(`splunk-s2s has no authentication: set tls.enabled, tls.caFile and tls.requireClientCert (mutual TLS), ${OPT_OUT}`);
    }
    case 'relp': {
      if (input.auth === 'none') return [];
      const t = input.tls;
      if (t?.requestCert === true && t.rejectUnauthorized && t.caFile !== undefined) return [];
      return insecure(`relp has no authentication: set tls with tls.caFile and tls.requestCert (mutual TLS), ${OPT_OUT}`);
    }
    case 'gcp-pubsub': {
      if (input.auth === 'none' || input.oidc !== undefined) return [];
      const token = input.token !== undefined ? ' (a `?token=` in the URL does not count: it ends up in access logs)' : '';
      return insecure(
        `gcp-pubsub has no authentication${token}: set oidc.audience and oidc.serviceAccountEmail of the authenticated push subscription, ${OPT_OUT}`,
      );
    }
    // splunk-hec (tokens) and aws-firehose (accessKey) cannot be configured without a secret;
    // the other inputs listen to nobody.
    default:
      return [];
  }
}

/** Throws the first problem of `inputAuthProblems`, located at `inputs.<id>.<field>`. */
export function assertInputAuthenticated(input: InputConfig): void {
  const [problem] = inputAuthProblems(input);
  if (problem) {
    throw new VigilError(problem.code, `input ${input.id}: ${problem.message}`, {
      location: { path: `inputs.${input.id}.${problem.field}` },
    });
  }
}
