import { at, common, HEADER, merge } from './panos-fields.js';
import type { VendorContext, VendorFields } from './types.js';
import { compact, count, ip } from './util.js';

/**
 * CONFIG log columns (0-based, after the common header), as PAN-OS 10.1–11.x's "Config Log
 * Fields" order them and Elastic's panw config pipeline reads them. The default syslog format has
 * the sequence number after the path and the before/after change details at the end; a custom
 * format that follows the field table has the details after the path. As Elastic does, a number
 * after the path says which.
 */
const C = { host: 7, vsys: 8, command: 9, admin: 10, client: 11, result: 12, path: 13 } as const;
const STANDARD = { seqno: 14, deviceName: 21, comment: 23, highRes: 25, before: 26, after: 27 } as const;
const CUSTOM = { before: 14, after: 15, seqno: 16, deviceName: 23, comment: 25, highRes: 27 } as const;

/** The commands Elastic's pipeline names as `cmd-<command>`; others (`override`, …) get no action. */
const COMMANDS = new Set(['add', 'clone', 'commit', 'delete', 'edit', 'move', 'rename', 'set']);

// The documented results are Submitted, Succeeded, Failed and Unauthorized.
const OUTCOME: Readonly<Record<string, string>> = { Succeeded: 'success', Failed: 'failure' };

/** A configuration change (or commit) made by an administrator on the web UI, the CLI or the API. */
export function panosConfig(f: readonly string[], ctx: VendorContext): VendorFields {
  const command = at(f, C.command);
  const result = at(f, C.result);
  const host = ip(at(f, C.host));
  const admin = at(f, C.admin);
  const L = /^\d+$/.test(f[STANDARD.seqno] ?? '') ? STANDARD : CUSTOM;
  return merge(
    common(f, ctx, L.deviceName, L.highRes),
    compact({
      event: {
        category: ['configuration'],
        type: ['change'],
        action: command !== undefined && COMMANDS.has(command) ? `cmd-${command}` : undefined,
        outcome: (result !== undefined ? OUTCOME[result] : undefined) ?? 'unknown',
        sequence: count(at(f, L.seqno)),
      },
      host: host ? { ip: [host] } : undefined,
      related: host ? { ip: [host] } : undefined,
      user: admin ? { name: admin } : undefined,
      labels: {
        log_type: 'CONFIG',
        log_subtype: at(f, HEADER.subtype),
        vsys: at(f, C.vsys),
        command,
        client_type: at(f, C.client),
        result,
        path: at(f, C.path)?.trim(),
        before_change_detail: at(f, L.before),
        after_change_detail: at(f, L.after),
        comment: at(f, L.comment),
      },
    }) as VendorFields,
  );
}
