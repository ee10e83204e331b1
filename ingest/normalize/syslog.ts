import type { EcsEvent } from '../../core/event/index.js';
import type { SyslogRecord } from '../parsers/index.js';
import { withPayload } from '../parsers/record.js';
import { normalizeRecord, type NormalizeContext } from './record.js';

export { FACILITY_NAMES, SEVERITY_NAMES, type NormalizeContext } from './record.js';

/** A parsed syslog record → one ECS event, with its CEF/LEEF payload or vendor fields when known. */
export function normalizeSyslog(record: SyslogRecord, ctx: NormalizeContext): EcsEvent {
  return normalizeRecord(withPayload(record), ctx);
}
