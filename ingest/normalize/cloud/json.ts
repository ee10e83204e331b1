import type { EcsEvent } from '../../../core/event/index.js';
import { buildEvent, isObject, obj, str, type Json, type RecordContext } from './common.js';

/**
 * The allowed values of ECS 9.4's categorization fields (`ecs_flat.yml`; a test compares these
 * lists with it). Values a JSON producer wrote outside them are dropped, never passed on.
 */
export const ECS_ALLOWED = {
  kind: ['alert', 'asset', 'enrichment', 'event', 'metric', 'state', 'pipeline_error', 'signal'],
  category: [
    'api',
    'authentication',
    'configuration',
    'database',
    'driver',
    'email',
    'file',
    'host',
    'iam',
    'intrusion_detection',
    'library',
    'malware',
    'network',
    'package',
    'process',
    'registry',
    'session',
    'threat',
    'vulnerability',
    'web',
  ],
  type: [
    'access',
    'admin',
    'allowed',
    'change',
    'connection',
    'creation',
    'deletion',
    'denied',
    'device',
    'end',
    'error',
    'group',
    'indicator',
    'info',
    'installation',
    'protocol',
    'start',
    'user',
  ],
  outcome: ['failure', 'success', 'unknown'],
} as const;

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Keeps only allowed categorization values; returns a new `event` object. */
function sanitizeEvent(e: Json): Json {
  const out: Json = { ...e };
  delete out.original; // ours, when kept, comes from the bytes we received
  if (!(ECS_ALLOWED.kind as readonly string[]).includes(String(e.kind))) delete out.kind;
  if (!(ECS_ALLOWED.outcome as readonly string[]).includes(String(e.outcome))) delete out.outcome;
  for (const f of ['category', 'type'] as const) {
    const allowed = ECS_ALLOWED[f] as readonly string[];
    const kept = asList(e[f]).filter((v) => allowed.includes(v));
    if (kept.length > 0) out[f] = kept;
    else delete out[f];
  }
  return out;
}

/** Time fields JSON loggers commonly use, in order of preference. */
const TIME_FIELDS = ['@timestamp', 'timestamp', 'time', 'ts', 'date', 'eventTime'];

/**
 * Any other JSON object → ECS. A document that is already ECS (has `@timestamp`, as ECS
 * loggers write it) keeps its fields, categorization limited to allowed values; anything else
 * keeps its fields under `json` and its `message`/`msg`/`log` as `message`.
 */
export function normalizeJson(r: Json, ctx: RecordContext, original: string, dataset = 'generic.json'): EcsEvent {
  const timeField = TIME_FIELDS.find((f) => r[f] !== undefined);
  const time = timeField ? r[timeField] : undefined;
  if (r['@timestamp'] !== undefined && isObject(r.event ?? {})) {
    const fields: Json = { ...r };
    delete fields['@timestamp'];
    delete fields.vigil;
    fields.event = sanitizeEvent(obj(r.event));
    return buildEvent(
      ctx,
      original,
      { time, dataset: str(obj(r.event).dataset) ?? dataset, module: str(obj(r.event).module) ?? 'generic' },
      fields,
    );
  }
  return buildEvent(
    ctx,
    original,
    { time, timeless: time === undefined, dataset, module: 'generic' },
    { message: str(r.message ?? r.msg ?? r.log), json: r },
  );
}

/** A line of text that is not JSON → an event with it as `message`. */
export function normalizeText(line: string, ctx: RecordContext, dataset = 'generic.text'): EcsEvent {
  return buildEvent(ctx, line, { time: undefined, timeless: true, dataset, module: 'generic' }, { message: line });
}
