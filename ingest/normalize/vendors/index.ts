import { accountsVendor } from './accounts.js';
import { ciscoAsaVendor } from './cisco-asa.js';
import { fortigateVendor } from './fortigate.js';
import { logindVendor } from './logind.js';
import { pamVendor } from './pam.js';
import { panosVendor } from './panos.js';
import { pfsenseVendor } from './pfsense.js';
import { sshd } from './sshd.js';
import { suVendor } from './su.js';
import { suricataVendor } from './suricata.js';
import { sudo } from './sudo.js';
import type { Vendor, VendorContext, VendorFields } from './types.js';

export type { Vendor, VendorContext, VendorFields, VendorNormalizer } from './types.js';

/**
 * Vendor normalizers, one line each. A line is offered first to the vendors that claim its
 * program (syslog APP-NAME/TAG, exactly or by prefix), then to the sniffers, in this order; the
 * first that recognises it wins.
 */
export const VENDORS = {
  sshd: { programs: ['sshd', 'sshd-session'], normalize: sshd }, // OpenSSH ≥ 9.8 logs auth from sshd-session
  sudo: { programs: ['sudo'], normalize: sudo },
  su: suVendor,
  pam: pamVendor,
  accounts: accountsVendor,
  'systemd-logind': logindVendor,
  'cisco-asa': ciscoAsaVendor,
  'pan-os': panosVendor,
  fortigate: fortigateVendor,
  pfsense: pfsenseVendor,
  suricata: suricataVendor,
} as const satisfies Record<string, Vendor>;

export type VendorName = keyof typeof VENDORS;

const byProgram = new Map<string, Vendor[]>();
const byPrefix: Array<[string, Vendor]> = [];
const sniffers: Vendor[] = [];
const NONE: readonly Vendor[] = [];
for (const v of Object.values(VENDORS) as Vendor[]) {
  for (const p of v.programs ?? []) byProgram.set(p, [...(byProgram.get(p) ?? []), v]);
  for (const p of v.programPrefixes ?? []) byPrefix.push([p, v]);
  if (v.sniff) sniffers.push(v);
}

/** Program names seen recently → their vendors: a source sends the same few names line after line. */
const claimedBy = new Map<string, readonly Vendor[]>();

/** The vendors that claim a program name (exact, then prefix), in registry order. */
export function vendorsFor(program: string | undefined): readonly Vendor[] {
  if (program === undefined) return NONE;
  let out = claimedBy.get(program);
  if (out === undefined) {
    out = claimants(program);
    if (claimedBy.size >= 1024) claimedBy.clear();
    claimedBy.set(program, out);
  }
  return out;
}

function claimants(program: string): readonly Vendor[] {
  const exact: readonly Vendor[] = byProgram.get(program) ?? NONE;
  let out: readonly Vendor[] = exact;
  for (const [p, v] of byPrefix) if (program.startsWith(p)) out = out === exact ? [...exact, v] : [...out, v];
  return out;
}

/** Runs the vendors that may know this line; the first that recognises it gives its fields. */
export function applyVendors(message: string, ctx: VendorContext): VendorFields | undefined {
  const claimed = vendorsFor(ctx.program);
  for (const v of claimed) {
    const f = v.normalize(message, ctx);
    if (f) return f;
  }
  for (const v of sniffers) {
    if (claimed.includes(v) || !v.sniff!(message)) continue;
    const f = v.normalize(message, ctx);
    if (f) return f;
  }
  return undefined;
}
