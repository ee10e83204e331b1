import type { Vendor, VendorFields } from './types.js';

// shadow-utils (useradd.c, groupadd.c, userdel.c, usermod.c) syslog lines:
//   useradd[812]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0
//   useradd[812]: new group: name=bob, GID=1001
//   groupadd[820]: group added to /etc/group: name=devs, GID=1002
//   groupadd[820]: new group: name=devs, GID=1002
//   userdel[830]: delete user 'bob'
//   usermod[840]: add 'bob' to group 'sudo'

function fieldsOf(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(', ')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

const iam = (type: string[], action: string): VendorFields['event'] => ({ category: ['iam'], type, outcome: 'success', action });

/** Local account and group management by shadow-utils. */
export function accounts(message: string): VendorFields | undefined {
  let m = /^new user: (.*)$/.exec(message);
  if (m) {
    const f = fieldsOf(m[1] as string);
    if (!f.name) return undefined;
    return {
      event: iam(['user', 'creation'], 'user_created'),
      user: { name: f.name, ...(f.UID ? { id: f.UID } : {}), ...(f.GID ? { group: { id: f.GID } } : {}) },
    };
  }
  m = /^(?:new group|group added to \S+?): (.*)$/.exec(message);
  if (m) {
    const f = fieldsOf(m[1] as string);
    if (!f.name) return undefined;
    return { event: iam(['group', 'creation'], 'group_created'), group: { name: f.name, ...(f.GID ? { id: f.GID } : {}) } };
  }
  m = /^delete user '([^']+)'$/.exec(message);
  if (m) return { event: iam(['user', 'deletion'], 'user_deleted'), user: { name: m[1] as string } };
  m = /^(?:remove|removed) group '([^']+)'$|^group '([^']+)' removed/.exec(message);
  if (m) return { event: iam(['group', 'deletion'], 'group_deleted'), group: { name: (m[1] ?? m[2]) as string } };
  m = /^add '([^']+)' to (?:shadow )?group '([^']+)'$/.exec(message);
  if (m) return { event: iam(['user', 'change'], 'user_added_to_group'), user: { name: m[1] as string }, group: { name: m[2] as string } };
  return undefined;
}

export const accountsVendor: Vendor = { programs: ['useradd', 'groupadd', 'userdel', 'groupdel', 'usermod'], normalize: accounts };
