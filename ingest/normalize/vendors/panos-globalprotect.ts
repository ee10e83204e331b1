import { at, common, merge, panUser } from './panos-fields.js';
import type { VendorContext, VendorFields } from './types.js';
import { compact, count, ip } from './util.js';

/**
 * GLOBALPROTECT log columns (0-based, after the common header), as PAN-OS 10.1–11.x's "GlobalProtect
 * Log Fields" order them and Elastic's panw globalprotect pipeline reads them.
 */
const G = {
  vsys: 7,
  eventId: 8,
  stage: 9,
  authMethod: 10,
  tunnelType: 11,
  srcUser: 12,
  srcRegion: 13,
  machineName: 14,
  publicIp: 15,
  publicIpv6: 16,
  privateIp: 17,
  privateIpv6: 18,
  hostId: 19,
  clientVersion: 21,
  clientOs: 22,
  clientOsVersion: 23,
  reason: 25,
  error: 26,
  description: 27,
  status: 28,
  location: 29,
  loginDuration: 30,
  connectMethod: 31,
  portal: 33,
  seqno: 34,
  highRes: 36,
  gateway: 41,
  deviceName: 47,
} as const;

const OUTCOMES = new Set(['success', 'failure', 'unknown']);

/** An address column that says something: `0.0.0.0` and `::` mean "none yet" (before the tunnel is up). */
function address(v: string | undefined): string | undefined {
  const a = ip(v);
  return a === '0.0.0.0' || a === '::' ? undefined : a;
}

/**
 * Categorization by event id: Elastic files every GlobalProtect event as `network` with no type;
 * the portal and gateway sign-ins are also `authentication`, and a tunnel's connect and logout its
 * start and end.
 */
function categorize(eventId: string): { category: string[]; type: string[] } {
  if (/-auth$/.test(eventId)) return { category: ['network', 'authentication'], type: ['start'] };
  if (eventId === 'gateway-connected') return { category: ['network'], type: ['connection', 'start'] };
  if (/-logout$/.test(eventId)) return { category: ['network'], type: ['connection', 'end'] };
  return { category: ['network'], type: ['info'] };
}

/** A GlobalProtect log line (portal and gateway sign-ins, tunnel set-up, HIP checks, logouts). */
export function panosGlobalProtect(f: readonly string[], ctx: VendorContext): VendorFields {
  const eventId = at(f, G.eventId) ?? '';
  const status = at(f, G.status)?.toLowerCase();
  const user = panUser(at(f, G.srcUser));
  const src = address(at(f, G.privateIp)) ?? address(at(f, G.privateIpv6));
  const nat = address(at(f, G.publicIp)) ?? address(at(f, G.publicIpv6));
  const machine = at(f, G.machineName)?.toLowerCase();
  const device = at(f, G.deviceName);
  const duration = count(at(f, G.loginDuration));
  const hosts = [device, machine].filter((h): h is string => h !== undefined);
  return merge(
    common(f, ctx, G.deviceName, G.highRes),
    compact({
      event: {
        ...categorize(eventId),
        code: eventId || undefined,
        outcome: status !== undefined && OUTCOMES.has(status) ? status : undefined,
        reason: at(f, G.reason),
        duration: duration !== undefined ? duration * 1_000_000_000 : undefined,
        sequence: count(at(f, G.seqno)),
      },
      error: { message: at(f, G.error) },
      source: compact({
        ip: src,
        nat: nat ? { ip: nat } : undefined,
        user,
        geo: { name: at(f, G.srcRegion) },
      }),
      user,
      host: {
        id: at(f, G.hostId),
        name: machine,
        hostname: machine,
        ip: src ? [src] : undefined,
        os: { family: at(f, G.clientOs), full: at(f, G.clientOsVersion) },
      },
      network: { type: src === undefined ? undefined : src.includes(':') ? 'ipv6' : 'ipv4' },
      observer: { geo: { name: at(f, G.location) } },
      related: hosts.length > 0 ? { hosts: [...new Set(hosts)] } : undefined,
      labels: {
        log_type: 'GLOBALPROTECT',
        vsys: at(f, G.vsys),
        stage: at(f, G.stage),
        auth_method: at(f, G.authMethod),
        tunnel_type: at(f, G.tunnelType),
        portal: at(f, G.portal),
        gateway: at(f, G.gateway),
        connect_method: at(f, G.connectMethod),
        client_version: at(f, G.clientVersion),
        description: at(f, G.description),
      },
    }) as VendorFields,
  );
}
