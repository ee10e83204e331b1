import { setOwn } from '../../parsers/types.js';
import { int, isObject, obj, str, type Json } from '../cloud/common.js';

/** One Windows event, read from either JSON layout, before ECS mapping. */
export interface WinEvent {
  layout: 'evtx' | 'winlogbeat';
  eventId: number;
  provider?: string;
  channel?: string;
  computer?: string;
  recordId?: string;
  /** As written (ISO 8601). */
  time?: string;
  level?: string;
  task?: string;
  opcode?: string;
  keywords?: string;
  processId?: number;
  threadId?: number;
  /** `System/Security/@UserID`. */
  userSid?: string;
  /** `EventData` (or `UserData`) name → value, as strings. */
  data: Record<string, string>;
  /** The rendered message, when the layout carries one (Winlogbeat). */
  message?: string;
}

/** A Windows event in evtx_dump's JSON layout (`{Event:{System,EventData}}`) or Winlogbeat's (`winlog.*`). */
export function isWindowsEvent(r: Json): boolean {
  return isObject(obj(r.Event).System) || (isObject(r.winlog) && (obj(r.winlog).event_id !== undefined || obj(r.event).code !== undefined));
}

/**
 * evtx_dump (omerbenamram/evtx) writes XML attributes under `#attributes` and element text under
 * `#text`; golang-evtx and similar tools put attributes beside the children and text in `Value`.
 */
function attr(node: unknown, name: string): unknown {
  const n = obj(node);
  return obj(n['#attributes'])[name] ?? n[name];
}

function text(node: unknown): string | undefined {
  if (isObject(node)) return str(node['#text'] ?? node.Value);
  return str(node);
}

/**
 * `<Data Name="TargetUserName">jdoe</Data>` converted by a generic XML-to-JSON tool: a `Data`
 * list of `{Name|@Name|#attributes.Name, #text|Value}`. Undefined when `Data` is not that.
 */
function namedData(data: unknown): Record<string, string> | undefined {
  const list = Array.isArray(data) ? data : isObject(data) ? [data] : undefined;
  if (!list || list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const name = str(attr(item, 'Name') ?? obj(item)['@Name']);
    if (!name) return undefined;
    const v = isObject(item) ? str(item['#text'] ?? item.Value ?? item['$']) : undefined;
    if (v !== undefined) setOwn(out, name, v);
  }
  return out;
}

function flatten(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(values)) return out;
  const named = namedData(values.Data);
  if (named) return named;
  for (const [k, v] of Object.entries(values)) {
    if (k === '#attributes' || k === 'xmlns') continue;
    if (isObject(v) && !('#text' in v) && !('Value' in v)) {
      // UserData nests one element (e.g. `LogFileCleared`) around its fields.
      for (const [ik, iv] of Object.entries(flatten(v))) setOwn(out, ik, iv);
      continue;
    }
    const s = Array.isArray(v) ? v.map((x) => text(x) ?? '').join(', ') : text(v);
    if (s !== undefined) setOwn(out, k, s);
  }
  return out;
}

/**
 * System/Level numbers as Event Viewer names them (winmeta.xml): 0 LogAlways (the Security log
 * writes 0 for every audit event) and 4 are informational.
 */
const LEVELS: Record<string, string> = {
  '0': 'information',
  '1': 'critical',
  '2': 'error',
  '3': 'warning',
  '4': 'information',
  '5': 'verbose',
};

function levelName(level: string | undefined): string | undefined {
  return level === undefined ? undefined : (LEVELS[level] ?? level);
}

/** Reads either layout into a WinEvent, or undefined when neither fits. */
export function readWindowsEvent(r: Json): WinEvent | undefined {
  const e = obj(r.Event);
  if (isObject(e.System)) {
    const sys = e.System;
    const eventId = int(text(sys.EventID));
    if (eventId === undefined) return undefined;
    return {
      layout: 'evtx',
      eventId,
      provider: str(attr(sys.Provider, 'Name')),
      channel: text(sys.Channel),
      computer: text(sys.Computer),
      recordId: text(sys.EventRecordID),
      time: str(attr(sys.TimeCreated, 'SystemTime')),
      level: levelName(text(sys.Level)),
      task: text(sys.Task),
      opcode: text(sys.Opcode),
      keywords: text(sys.Keywords),
      processId: int(attr(sys.Execution, 'ProcessID')),
      threadId: int(attr(sys.Execution, 'ThreadID')),
      userSid: str(attr(sys.Security, 'UserID')),
      data: { ...flatten(e.UserData), ...flatten(e.EventData) },
    };
  }
  const w = obj(r.winlog);
  const eventId = int(w.event_id) ?? int(obj(r.event).code);
  if (eventId === undefined) return undefined;
  return {
    layout: 'winlogbeat',
    eventId,
    provider: str(w.provider_name) ?? str(obj(r.event).provider),
    channel: str(w.channel),
    computer: str(w.computer_name) ?? str(obj(r.host).name),
    recordId: str(w.record_id),
    // Winlogbeat ≥ 8 keeps the record's own TimeCreated here; `@timestamp` may be the time it was read.
    time: str(w.time_created) ?? str(r['@timestamp']),
    level: str(obj(r.log).level),
    task: str(w.task),
    opcode: str(w.opcode),
    keywords: Array.isArray(w.keywords) ? w.keywords.map(String).join(', ') : str(w.keywords),
    processId: int(obj(w.process).pid),
    threadId: int(obj(obj(w.process).thread).id),
    userSid: str(obj(w.user).identifier),
    data: { ...flatten(w.user_data), ...flatten(w.event_data) },
    message: str(r.message),
  };
}
