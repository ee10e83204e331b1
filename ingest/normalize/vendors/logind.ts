import type { Vendor, VendorFields } from './types.js';

// systemd-logind's session and seat messages (src/login/logind-session.c, logind-seat.c):
//   New session 42 of user alice.
//   Session 42 logged out. Waiting for processes to exit.
//   Removed session 42.
//   New seat seat0.    /    Removed seat seat0.
// Elastic's system.auth pipeline reads none of these; Vigil makes them session events so that
// logons seen only through logind (console, display managers) are counted as sessions.
const NEW_SESSION = /^New session (\S+) of user (.+?)\.?$/;
const SESSION_END = /^(?:Removed session (\S+?)\.?|Session (\S+) logged out\..*)$/;
const SEAT = /^(New|Removed) seat (\S+?)\.?$/;

export function logind(message: string): VendorFields | undefined {
  let m = NEW_SESSION.exec(message);
  if (m) {
    return {
      event: { category: ['session'], type: ['start'], action: 'session-started', outcome: 'success' },
      user: { name: m[2] as string },
      labels: { session_id: m[1] as string },
    };
  }
  m = SESSION_END.exec(message);
  if (m) {
    return {
      event: { category: ['session'], type: ['end'], action: m[1] !== undefined ? 'session-removed' : 'session-logged-out' },
      labels: { session_id: (m[1] ?? m[2]) as string },
    };
  }
  m = SEAT.exec(message);
  if (m) {
    const added = m[1] === 'New';
    return {
      event: { category: ['host'], type: [added ? 'start' : 'end'], action: added ? 'seat-added' : 'seat-removed' },
      labels: { seat_id: m[2] as string },
    };
  }
  return undefined;
}

export const logindVendor: Vendor = { programs: ['systemd-logind'], normalize: logind };
