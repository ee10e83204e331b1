import type { Vendor, VendorFields } from './types.js';
import { ip } from './util.js';

// Linux-PAM's pam_unix (modules/pam_unix/support.c, pam_unix_sess.c), logged under the calling
// program's TAG (sshd, sudo, su, login, cron…):
//   pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.45  user=root
//   pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)
//   pam_unix(cron:session): session closed for user root
const HEAD = /^(pam_[a-z_]+)\(([^:)]+):([a-z]+)\): (.*)$/;
// `for user NAME[(uid=N)][ by [NAME][(uid=N)]]`: Linux-PAM ≥ 1.5 adds the uids.
const SESSION = /^session (opened|closed) for user (\S+?)(?:\(uid=(\d+)\))?(?: by (\S*?)(?:\(uid=(\d+)\))?)?$/;

/** pam_unix authentication failures and session open/close. */
export function pam(message: string): VendorFields | undefined {
  const m = HEAD.exec(message);
  if (!m) return undefined;
  const [, module, service, , rest] = m as unknown as [string, string, string, string, string];
  if (rest.startsWith('authentication failure;')) {
    const kv: Record<string, string> = {};
    for (const part of rest.slice('authentication failure;'.length).trim().split(/\s+/)) {
      const eq = part.indexOf('=');
      if (eq > 0) kv[part.slice(0, eq)] = part.slice(eq + 1);
    }
    const fields: VendorFields = {
      event: {
        category: ['authentication'],
        type: ['info'],
        outcome: 'failure',
        action: 'authentication_failure',
        reason: 'authentication failure',
      },
      service: { name: service },
    };
    const user = kv.user;
    const rhost = kv.rhost;
    if (user) fields.user = { name: user };
    const rip = ip(rhost);
    if (rip) fields.source = { ip: rip };
    else if (rhost) fields.source = { address: rhost };
    fields.labels = { pam_module: module };
    return fields;
  }
  const sess = SESSION.exec(rest);
  if (sess) {
    const [, state, forUser, forUid, byUser, byUid] = sess as unknown as [string, string, string, string?, string?, string?];
    const opened = state === 'opened';
    // "for user root by alice(uid=1000)": alice acted (sudo, su) and root is whom she became.
    const user: NonNullable<VendorFields['user']> = byUser
      ? { name: byUser, ...(byUid ? { id: byUid } : {}), effective: { name: forUser } }
      : { name: forUser, ...(forUid ? { id: forUid } : {}) };
    return {
      event: { category: ['session'], type: [opened ? 'start' : 'end'], outcome: 'success', action: opened ? 'logged-on' : 'logged-off' },
      user,
      service: { name: service },
      labels: { pam_module: module },
    };
  }
  return undefined;
}

export const pamVendor: Vendor = { sniff: (m) => m.startsWith('pam_'), normalize: pam };
