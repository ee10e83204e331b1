import { sshd } from './sshd.js';
import { sudo } from './sudo.js';
import type { VendorNormalizer } from './types.js';

export type { VendorFields, VendorNormalizer } from './types.js';

/** Vendor normalizers keyed by `process.name` (the syslog APP-NAME or TAG). One line per program. */
export const VENDORS = {
  sshd,
  'sshd-session': sshd, // OpenSSH ≥ 9.8 logs authentication from the per-session binary
  sudo,
} as const satisfies Record<string, VendorNormalizer>;

export type VendorName = keyof typeof VENDORS;

export function vendorFor(processName: string | undefined): VendorNormalizer | undefined {
  return processName !== undefined && Object.hasOwn(VENDORS, processName) ? VENDORS[processName as VendorName] : undefined;
}
