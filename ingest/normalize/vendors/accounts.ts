import type { Vendor, VendorContext, VendorFields } from './types.js';

// shadow-utils (useradd.c, groupadd.c, userdel.c, groupdel.c, usermod.c) syslog lines:
//   useradd[812]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0
//   useradd[812]: new group: name=bob, GID=1001
//   groupadd[820]: group added to /etc/group: name=devs, GID=1002
//   userdel[830]: delete user 'bob'
//   groupdel[840]: group 'devs' removed
//   usermod[840]: add 'bob' to group 'sudo'
//   usermod[851]: change user 'bob' shell from '/bin/sh' to '/bin/bash'
// As Elastic's system.auth pipeline does, the program decides the categorization (iam; user or
// group; creation, deletion or change) and a line containing "fail" is a failure, whatever the
// line says otherwise; the fields the line carries are added to that.

const PROGRAM_TYPES: Readonly<Record<string, readonly [string, string]>> = {
  useradd: ['user', 'creation'],
  userdel: ['user', 'deletion'],
  usermod: ['user', 'change'],
  groupadd: ['group', 'creation'],
  groupdel: ['group', 'deletion'],
  groupmod: ['group', 'change'],
};

function fieldsOf(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(', ')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** What the line names: the user, the group, and Vigil's action for it. */
function detail(message: string): Partial<Pick<VendorFields, 'user' | 'group'>> & { action?: string } {
  let m = /^new user: (.*)$/.exec(message);
  if (m) {
    const f = fieldsOf(m[1] as string);
    return {
      action: 'user_created',
      ...(f.name ? { user: { name: f.name, ...(f.UID ? { id: f.UID } : {}) } } : {}),
      ...(f.GID ? { group: { id: f.GID } } : {}),
    };
  }
  m = /^(?:new group|group added to \S+?): (.*)$/.exec(message);
  if (m) {
    const f = fieldsOf(m[1] as string);
    return { action: 'group_created', group: { ...(f.name ? { name: f.name } : {}), ...(f.GID ? { id: f.GID } : {}) } };
  }
  m = /^delete user '([^']+)'$/.exec(message);
  if (m) return { action: 'user_deleted', user: { name: m[1] as string } };
  m = /^(?:remove|removed) group '([^']+)'|^group '([^']+)' removed/.exec(message);
  if (m) return { action: 'group_deleted', group: { name: (m[1] ?? m[2]) as string } };
  m = /^add '([^']+)' to (?:shadow )?group '([^']+)'$/.exec(message);
  if (m) return { action: 'group-member-added', user: { name: m[1] as string }, group: { name: m[2] as string } };
  m = /(?:^|[^ ]) user '([^']+)'/.exec(message);
  if (m) return { user: { name: m[1] as string } };
  return {};
}

/** Local account and group management by shadow-utils: every line of these programs is an iam event. */
export function accounts(message: string, ctx: VendorContext): VendorFields | undefined {
  const types = ctx.program !== undefined && Object.hasOwn(PROGRAM_TYPES, ctx.program) ? PROGRAM_TYPES[ctx.program] : undefined;
  if (!types) return undefined;
  const { action, ...fields } = detail(message);
  return {
    event: {
      category: ['iam'],
      type: [...types],
      outcome: message.includes('fail') ? 'failure' : 'success',
      ...(action ? { action } : {}),
    },
    ...fields,
  };
}

export const accountsVendor: Vendor = { programs: Object.keys(PROGRAM_TYPES), normalize: accounts };
