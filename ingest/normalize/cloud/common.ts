import { isIP } from 'node:net';
import { deterministicId, type EcsEvent } from '../../../core/event/index.js';
import { setOwn } from '../../parsers/types.js';

/** A JSON object as parsed; vendor records are read through the helpers below, never trusted. */
export type Json = Record<string, unknown>;

/** What a normalizer knows besides the record itself. */
export interface RecordContext {
  /** The configured input id (`vigil.input`). */
  inputId: string;
  receivedAt: Date;
  /** Keep the record's JSON text in `event.original`. */
  keepOriginal: boolean;
  /** The sender's address, for push inputs. */
  peer?: string;
  /**
   * Where the record sits in its source (a file's device:inode:offset): part of the event id of
   * records without a vendor id, so that two identical lines stay two events and a re-read line
   * keeps its id.
   */
  position?: string;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Json {
  return isObject(v) ? v : {};
}

/** A non-empty string (numbers and booleans as text), else undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An integer from a number, a decimal string or a `0x…` hex string (Windows process ids). */
export function int(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const n = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^-?\d+$/.test(s) ? Number(s) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * An IP address out of what vendors put in "IP" fields: `1.2.3.4`, `1.2.3.4:5678`,
 * `[2001:db8::1]:443`, `::ffff:1.2.3.4`. Service names (`ec2.amazonaws.com`), `-` and
 * `private` give undefined.
 */
export function ipOf(v: unknown): string | undefined {
  const s = str(v)?.trim();
  if (!s) return undefined;
  if (isIP(s)) return s.startsWith('::ffff:') && isIP(s.slice(7)) === 4 ? s.slice(7) : s;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracket && isIP(bracket[1] as string)) return bracket[1];
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(s);
  if (v4port && isIP(v4port[1] as string)) return v4port[1];
  return undefined;
}

/** RFC 3339 UTC from an ISO string (a zone-less one is read as UTC) or epoch milliseconds. */
export function isoTime(v: unknown): string | undefined {
  let d: Date;
  if (typeof v === 'number') d = new Date(v);
  else if (typeof v === 'string' && v !== '') {
    const zoneless = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v);
    d = new Date(zoneless ? `${v}Z` : v);
  } else return undefined;
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Drops undefined values, empty strings, empty arrays and objects left empty. Returns a new object. */
export function prune<T>(v: T): T {
  if (Array.isArray(v)) return v.map(prune).filter((x) => x !== undefined) as T;
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, val] of Object.entries(v)) {
    const p = prune(val);
    if (p === undefined || p === '' || (Array.isArray(p) && p.length === 0) || (isObject(p) && Object.keys(p).length === 0)) continue;
    setOwn<unknown>(out, k, p);
  }
  return out as T;
}

/** Object-by-object merge; arrays and scalars of `patch` replace. */
export function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    // Own properties only: records carry keys such as `__proto__`, which read plainly is
    // Object.prototype and written plainly replaces the prototype.
    const cur = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn<unknown>(out, k, isObject(cur) && isObject(v) ? merge(cur, v) : v);
  }
  return out;
}

function unique(values: Array<string | undefined>): string[] | undefined {
  const out = [...new Set(values.filter((x): x is string => typeof x === 'string' && x !== ''))];
  return out.length > 0 ? out : undefined;
}

/** What a normalizer says about one record, besides the ECS fields. */
export interface RecordMeta {
  /** Event time as the vendor wrote it; receive time is used when absent (and parse_status is `partial`). */
  time: unknown;
  /** `event.dataset`, e.g. `aws.cloudtrail`. */
  dataset: string;
  /** `event.module`, e.g. `aws`. */
  module: string;
  /**
   * The vendor's own unique id of the record (CloudTrail eventID, Okta uuid, …). The event id is
   * derived from it, so the same record arriving twice (a retry, a second path) gets one id; a
   * record without one is identified by its input and bytes.
   */
  uniqueId?: string;
  /** The record has no time of its own (a text line): receive time is used and parse_status stays `ok`. */
  timeless?: boolean;
  /** Extra addresses and users for `related.*`. */
  relatedIps?: Array<string | undefined>;
  relatedUsers?: Array<string | undefined>;
  /** `related.user` is `relatedUsers` alone, not also the user fields (the vendor's integration lists exactly these). */
  relatedUsersOnly?: boolean;
}

/**
 * The common part of every cloud and Windows event: `@timestamp`, `event.kind/created/dataset/module`,
 * `event.original` when kept, `vigil.*`, and `related.*` gathered from the usual fields. `fields`
 * are the normalizer's ECS fields (undefined and empty values are dropped).
 */
export function buildEvent(ctx: RecordContext, original: string, meta: RecordMeta, fields: Json): EcsEvent {
  const received = ctx.receivedAt.toISOString();
  const time = isoTime(meta.time);
  const base: Json = {
    '@timestamp': time ?? received,
    event: {
      kind: 'event',
      created: received,
      dataset: meta.dataset,
      module: meta.module,
      ...(ctx.keepOriginal ? { original } : {}),
    },
  };
  const event = prune(merge(base, fields)) as EcsEvent;
  const user = obj(event.user);
  const relatedIps = unique([
    str(obj(event.source).ip),
    str(obj(event.destination).ip),
    ...(Array.isArray(obj(event.dns).resolved_ip) ? (obj(event.dns).resolved_ip as string[]) : []),
    ...(meta.relatedIps ?? []),
  ]);
  const relatedUsers = meta.relatedUsersOnly
    ? unique(meta.relatedUsers ?? [])
    : unique([str(user.name), str(obj(user.target).name), str(obj(user.effective).name), str(user.email), ...(meta.relatedUsers ?? [])]);
  // A normalizer's own `related.hosts` stays; `ip` and `user` are gathered here.
  const hosts = obj(event.related).hosts;
  delete event.related;
  if (relatedIps || relatedUsers || hosts)
    event.related = {
      ...(relatedIps ? { ip: relatedIps } : {}),
      ...(relatedUsers ? { user: relatedUsers } : {}),
      ...(Array.isArray(hosts) ? { hosts: hosts as string[] } : {}),
    };
  event.vigil = {
    id: meta.uniqueId
      ? deterministicId(meta.dataset, meta.uniqueId)
      : deterministicId(ctx.inputId, ctx.peer ?? '', ctx.position ?? '', original),
    input: ctx.inputId,
    received_at: received,
    parse_status: time || meta.timeless ? 'ok' : 'partial',
    ...(ctx.peer ? { peer: ctx.peer } : {}),
  };
  return event;
}

/**
 * `event.type` from the verb an API operation name starts or ends with (`CreateUser`,
 * `compute.instances.insert`, `MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE`). Every value returned
 * is allowed for the `api`, `configuration` and `iam` categories except `access` (not in `iam`).
 */
export function verbType(operation: string): 'creation' | 'deletion' | 'change' | 'access' | 'info' {
  const words = operation
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  const has = (list: readonly string[]) => words.some((w) => list.includes(w));
  if (has(['create', 'insert', 'add', 'register', 'invite', 'new', 'run', 'launch', 'provision'])) return 'creation';
  if (has(['delete', 'remove', 'terminate', 'destroy', 'deregister', 'purge'])) return 'deletion';
  if (has(['get', 'list', 'describe', 'read', 'head', 'search', 'lookup', 'query', 'select', 'view'])) return 'access';
  if (
    has([
      'update',
      'put',
      'patch',
      'set',
      'modify',
      'change',
      'write',
      'attach',
      'detach',
      'enable',
      'disable',
      'replace',
      'reset',
      'start',
      'stop',
      'reboot',
      'tag',
      'untag',
      'assign',
      'revoke',
      'grant',
      'authorize',
      'deactivate',
      'activate',
      'associate',
      'disassociate',
      'restore',
      'upload',
      'move',
      'rename',
      'suspend',
      'unsuspend',
      'lock',
      'unlock',
    ])
  ) {
    return 'change';
  }
  return 'info';
}
