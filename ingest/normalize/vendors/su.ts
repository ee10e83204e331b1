import type { Vendor, VendorFields } from './types.js';

// su's own syslog lines (util-linux su-common.c `log_syslog`, shadow-utils su.c `SYSLOG`):
//   su[4001]: (to root) alice on pts/0
//   su[4003]: FAILED SU (to root) alice on pts/0
//   su[4001]: + pts/0 alice:root        (shadow-utils, success)
//   su[4003]: - pts/0 alice:root        (shadow-utils, failure)
// The invoking user is `user.name`, the account switched to `user.effective.name`.
const UTIL_LINUX = /^(FAILED SU )?\(to (\S+)\) (\S+) on (\S+)$/;
const SHADOW = /^([+-]) (\S+) ([^:\s]+):(\S+)$/;

export function su(message: string): VendorFields | undefined {
  let failed: boolean;
  let target: string;
  let invoker: string;
  let m = UTIL_LINUX.exec(message);
  if (m) {
    failed = m[1] !== undefined;
    target = m[2] as string;
    invoker = m[3] as string;
  } else {
    m = SHADOW.exec(message);
    if (!m) return undefined;
    failed = m[1] === '-';
    invoker = m[3] as string;
    target = m[4] as string;
  }
  return {
    event: {
      category: ['authentication'],
      type: ['start'],
      action: 'su',
      outcome: failed ? 'failure' : 'success',
    },
    user: { name: invoker, effective: { name: target } },
  };
}

export const suVendor: Vendor = { programs: ['su'], normalize: su };
