/** Windows Security and Sysmon events (evtx_dump or Winlogbeat JSON) → ECS. */
export { normalizeWindows } from './windows.js';
export { readWindowsEvent, isWindowsEvent, type WinEvent } from './record.js';
export { SECURITY_EVENTS } from './security.js';
export { SYSMON_EVENTS } from './sysmon.js';
