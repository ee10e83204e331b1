/** Zeek JSON logs → ECS, as Elastic's `zeek` integration maps them. */
export { normalizeZeek } from './zeek.js';
export { isZeekLog, zeekLogOf, ZEEK_LOGS, type ZeekLog } from './record.js';
