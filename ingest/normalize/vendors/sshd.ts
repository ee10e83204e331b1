import { isIP } from 'node:net';
import type { VendorFields } from './types.js';

// OpenSSH's auth.log lines (auth2.c / auth.c `auth_log`, `Invalid user` from auth2.c). The user
// name is matched lazily up to " from ": an attacker-chosen name may hold spaces.
const FAILED = /^Failed (\S+) for (invalid user )?(.*?) from (\S+) port (\d+)/;
const ACCEPTED = /^Accepted (\S+) for (.*?) from (\S+) port (\d+)/;
const INVALID_USER = /^Invalid user (.*?) from (\S+) port (\d+)/;

/**
 * sshd authentication results → ECS authentication events (`event.action: ssh_login`), categorized
 * as Elastic's system.auth pipeline does: `type: info`, and an accepted login also opens a session.
 */
export function sshd(message: string): VendorFields | undefined {
  let m = FAILED.exec(message);
  if (m) return login('failure', m[3] as string, m[4] as string, m[5] as string);
  m = ACCEPTED.exec(message);
  if (m) return login('success', m[2] as string, m[3] as string, m[4] as string);
  m = INVALID_USER.exec(message);
  if (m) return login('failure', m[1] as string, m[2] as string, m[3] as string);
  return undefined;
}

const ACCEPTED_CATEGORY = ['authentication', 'session'];
const FAILED_CATEGORY = ['authentication'];

function login(outcome: 'success' | 'failure', user: string, from: string, port: string): VendorFields {
  // With UseDNS, sshd logs a host name instead of an address.
  const ip = isIP(from) !== 0;
  const source: NonNullable<VendorFields['source']> = ip ? { ip: from } : { address: from };
  const p = Number(port);
  if (p <= 65535) source.port = p;
  const related: NonNullable<VendorFields['related']> = {};
  if (ip) related.ip = [from];
  const category = outcome === 'success' ? ACCEPTED_CATEGORY : FAILED_CATEGORY;
  const fields: VendorFields = { event: { category: [...category], type: ['info'], outcome, action: 'ssh_login' }, source };
  if (user !== '') {
    fields.user = { name: user };
    related.user = [user];
  }
  if (related.ip || related.user) fields.related = related;
  return fields;
}
