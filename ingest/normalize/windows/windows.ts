import type { EcsEvent } from '../../../core/event/index.js';
import { buildEvent, merge, type Json, type RecordContext } from '../cloud/common.js';
import { readWindowsEvent, type WinEvent } from './record.js';
import type { Mapping } from './mapping.js';
import { auditOutcome, securityMapping } from './security.js';
import { SYSMON_PROVIDER, sysmonMapping } from './sysmon.js';
import { countUnmapped } from '../unmapped.js';

const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing';

/** Sysmon's `UtcTime` (`2026-11-20 09:14:03.123`, UTC) as ISO 8601, or undefined. */
function sysmonUtcTime(t: string | undefined): string | undefined {
  const m = t === undefined ? null : /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/.exec(t);
  return m ? `${m[1]}T${m[2]}Z` : undefined;
}

function mappingFor(e: WinEvent): { mapping?: Mapping; dataset: string } {
  const sysmon = sysmonMapping(e);
  if (sysmon || e.provider === SYSMON_PROVIDER) return { mapping: sysmon, dataset: 'windows.sysmon_operational' };
  if (e.channel === 'Security' || e.provider === SECURITY_PROVIDER || (e.eventId === 1102 && e.provider === 'Microsoft-Windows-Eventlog')) {
    return { mapping: securityMapping(e), dataset: 'windows.security' };
  }
  return { dataset: 'windows.event' };
}

/**
 * A Windows event (evtx_dump or Winlogbeat JSON) → ECS: Security audit events and Sysmon events
 * get their category, type, outcome, user, process and network fields; every event keeps its
 * `EventData` under `winlog.event_data` (the name Winlogbeat and Sigma's pipelines use).
 * Returns undefined when the record is neither layout.
 */
export function normalizeWindows(r: Json, ctx: RecordContext, original: string): EcsEvent | undefined {
  const e = readWindowsEvent(r);
  if (!e) return undefined;
  const { mapping, dataset } = mappingFor(e);
  if (!mapping) countUnmapped(dataset, String(e.eventId));
  const base: Json = {
    message: e.message,
    event: {
      code: String(e.eventId),
      provider: e.provider,
      action: mapping?.action,
      category: mapping?.category,
      type: mapping?.type,
      // Sysmon events carry no audit keywords; their mapping says.
      outcome: mapping ? (dataset === 'windows.security' ? (auditOutcome(e.keywords) ?? mapping.outcome) : mapping.outcome) : undefined,
    },
    host: { name: e.computer, hostname: e.computer, os: { type: 'windows' } },
    log: { level: e.level },
    winlog: {
      channel: e.channel,
      computer_name: e.computer,
      event_id: String(e.eventId),
      provider_name: e.provider,
      record_id: e.recordId,
      task: e.task,
      opcode: e.opcode,
      keywords: e.keywords,
      process: { pid: e.processId, thread: { id: e.threadId } },
      user: { identifier: e.userSid },
      event_data: Object.keys(e.data).length > 0 ? e.data : undefined,
    },
  };
  const fields = mapping ? merge(base, mapping.fields(e.data)) : base;
  return buildEvent(
    ctx,
    original,
    {
      // Sysmon's UtcTime is when the event happened; TimeCreated when it was logged (Elastic takes UtcTime).
      time: (dataset === 'windows.sysmon_operational' ? sysmonUtcTime(e.data.UtcTime) : undefined) ?? e.time,
      dataset,
      module: 'windows',
      // Record ids are unique per channel on one computer.
      uniqueId: e.computer && e.channel && e.recordId ? `${e.computer}/${e.channel}/${e.recordId}` : undefined,
      relatedUsers: mapping?.relatedUsers?.(e.data),
      relatedIps: mapping?.relatedIps?.(e.data),
    },
    fields,
  );
}
