/**
 * `intel` in vigil.yaml: the threat-intelligence feeds, where their lists are shared (Redis) and
 * whether ingest enriches events with them.
 */
import { array, boolean, number, object, oneOf, string, union, type FieldProblem, type Infer } from '../core/config/dsl.js';
import { INDICATOR_TYPES } from './model.js';

export type FeedType = keyof typeof FEED_SCHEMAS;

const common = {
  id: string({ description: 'Unique feed id; names the feed in `threat.enrichments` and metrics.', format: 'id' }),
  url: string({
    description: 'Where to fetch it (HTTP GET); for taxii, the discovery URL (`…/taxii2/`). Exclusive with `file`.',
    format: 'http-url',
    optional: true,
  }),
  file: string({ description: 'A local file to read instead of a URL.', minLength: 1, optional: true }),
  refreshSeconds: number({
    description: 'How often it is fetched again; a failed fetch keeps the last good list.',
    int: true,
    min: 1,
    default: 3600,
  }),
  username: string({ description: 'HTTP Basic user (TAXII servers, authenticated feed URLs).', minLength: 1, optional: true }),
  password: string({
    description: 'HTTP Basic password, with `username`; take it from the environment with `${VAR}`.',
    optional: true,
    sensitive: true,
  }),
  timeoutMs: number({ description: 'Per HTTP request.', int: true, min: 100, default: 30_000 }),
} as const;

const indicatorType = oneOf({
  description: 'Every value is of this type; unset: guessed per value.',
  values: INDICATOR_TYPES,
  optional: true,
});

/** A feed is fetched from one place: a URL or a file. */
function oneSource(v: unknown): FieldProblem[] {
  const f = v as { id: string; url?: string; file?: string };
  return (f.url === undefined) === (f.file === undefined)
    ? [{ code: 'CONFIG_CONFLICT', field: 'url', message: `feed '${f.id}' needs exactly one of url and file` }]
    : [];
}

const taxii = object({
  description: 'A TAXII 2.1 collection, read in full once and then by `added_after`.',
  fields: { ...common, collection: string({ description: 'The collection, by id or title.', minLength: 1 }) },
  check: (v) =>
    (v as { url?: string }).url === undefined
      ? [{ code: 'CONFIG_REQUIRED', field: 'url', message: `taxii feed '${(v as { id: string }).id}' needs url (the discovery URL)` }]
      : [],
});
const stix = object({ description: 'A STIX 2.1 bundle (indicator objects).', fields: common, check: oneSource });
const misp = object({ description: 'A MISP JSON export (events or an attribute search).', fields: common, check: oneSource });
const csv = object({
  description: 'One column of a CSV file (`#` comment lines, quoted fields).',
  fields: {
    ...common,
    column: string({ description: 'The column of the value: a header name, or a 0-based index.', minLength: 1 }),
    delimiter: string({ description: 'The field delimiter.', minLength: 1, default: ',' }),
    indicatorType,
  },
  check: oneSource,
});
const plain = object({
  description: 'One value a line (`#` and `;` comments), as abuse.ch and Spamhaus publish them.',
  fields: { ...common, indicatorType },
  check: oneSource,
});

export const FEED_SCHEMAS = { taxii, stix, misp, csv, plain } as const;

export const intelSchema = object({
  description: 'Threat-intelligence indicator lists: looked up by the `intel` Sigma modifier and added to events as `threat.enrichments`.',
  optional: true,
  fields: {
    feeds: array({
      description: 'The feeds.',
      items: union({ description: 'One feed.', typeDescription: 'Feed type; decides which other fields apply.', variants: FEED_SCHEMAS }),
      default: [],
    }),
    enrich: boolean({
      description: 'Ingest adds `threat.enrichments` to events whose addresses, domains, URLs, hashes or emails are indicators.',
      default: true,
    }),
    checkSeconds: number({ description: 'How often each process checks Redis for a changed list.', int: true, min: 1, default: 5 }),
    redisPrefix: string({ description: 'Prefix of the Redis keys holding the lists.', minLength: 1, default: 'vigil:intel:' }),
  },
});

export type IntelConfig = Infer<typeof intelSchema>;
export type IntelFeedConfig = IntelConfig['feeds'][number];
export type FeedOf<T extends FeedType> = Extract<IntelFeedConfig, { type: T }>;
