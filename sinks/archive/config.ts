import { boolean, number, object, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { componentId } from '../../core/config/fields.js';
import { runnerFields } from '../runner/config.js';

const s3 = object({
  description: 'Write to an S3-compatible object store instead of a local directory (multipart uploads).',
  optional: true,
  fields: {
    bucket: string({ description: 'The bucket; it must exist.', minLength: 1 }),
    region: string({ description: 'The region of the bucket.', minLength: 1, default: 'us-east-1' }),
    endpoint: string({
      description: 'Endpoint of an S3-compatible store (MinIO, SeaweedFS, Ceph); unset: AWS S3.',
      format: 'http-url',
      optional: true,
    }),
    forcePathStyle: boolean({
      description: 'Address the bucket in the path (`host/bucket/key`), as most S3-compatible stores need.',
      default: false,
    }),
    accessKeyId: string({
      description: 'Access key id; unset: the AWS SDK default chain (environment, profile, instance role).',
      minLength: 1,
      optional: true,
      sensitive: true,
    }),
    secretAccessKey: string({ description: 'Secret access key, with accessKeyId.', minLength: 1, optional: true, sensitive: true }),
    partSizeBytes: number({
      description: 'Size of one multipart part, in bytes (S3 needs at least 5 MiB for every part but the last).',
      int: true,
      min: 5 * 1024 * 1024,
      max: 5 * 1024 * 1024 * 1024,
      default: 8 * 1024 * 1024,
    }),
  },
});

export const schema = object({
  description: 'Archives Vigil topics as gzip NDJSON objects, `<prefix>/<dataset>/<yyyy>/<mm>/<dd>/…`, in a directory or an S3 bucket.',
  fields: {
    id: componentId('sink'),
    ...runnerFields,
    path: string({ description: 'Local directory to write to (created when missing); exclusive with `s3`.', minLength: 1, optional: true }),
    s3,
    prefix: string({ description: 'Leading path of every object name.', minLength: 1, default: 'vigil' }),
    maxObjectBytes: number({
      description: 'An object is closed once this many bytes of NDJSON (before gzip) went in.',
      int: true,
      min: 1024,
      max: 5 * 1024 * 1024 * 1024,
      default: 64 * 1024 * 1024,
    }),
    rotateSeconds: number({
      description:
        'An object is closed this many seconds after it was opened. Records count as delivered once their object is closed and durable, so this must stay below timeoutMs.',
      int: true,
      min: 1,
      max: 3600,
      default: 10,
    }),
    uploadRetries: number({
      description: 'Attempts of one write or upload call before the records are handed back for retry.',
      int: true,
      min: 1,
      max: 20,
      default: 5,
    }),
  },
  check: (value) => destinationProblems(value as ArchiveChecked),
});

interface ArchiveChecked {
  path?: string;
  s3?: { accessKeyId?: string; secretAccessKey?: string };
  rotateSeconds: number;
  timeoutMs: number;
}

function destinationProblems(v: ArchiveChecked): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ((v.path === undefined) === (v.s3 === undefined)) {
    problems.push({ code: 'CONFIG_CONFLICT', field: 'path', message: 'set exactly one of `path` (a local directory) and `s3`' });
  }
  if (v.s3 && (v.s3.accessKeyId === undefined) !== (v.s3.secretAccessKey === undefined)) {
    problems.push({ code: 'CONFIG_CONFLICT', field: 's3.secretAccessKey', message: 'accessKeyId and secretAccessKey go together' });
  }
  if (v.rotateSeconds * 1000 >= v.timeoutMs) {
    problems.push({
      code: 'CONFIG_CONFLICT',
      field: 'rotateSeconds',
      message: `must be shorter than timeoutMs (${v.timeoutMs} ms): a delivery call waits for its object to close`,
    });
  }
  return problems;
}

/** A `type: archive` sink, as loaded. */
export type ArchiveSinkConfig = { type: 'archive' } & Infer<typeof schema>;
export type ArchiveS3Config = NonNullable<ArchiveSinkConfig['s3']>;

export const ARCHIVE_DEFAULTS = {
  topics: ['events', 'alerts', 'incidents', 'actions'],
  batchSize: 500,
  maxRetries: 8,
  timeoutMs: 30_000,
  prefix: 'vigil',
  maxObjectBytes: 64 * 1024 * 1024,
  rotateSeconds: 10,
  uploadRetries: 5,
} as const satisfies Partial<ArchiveSinkConfig>;

/** Applies the defaults to what a test or a caller wrote. */
export function withArchiveDefaults(
  cfg: Pick<ArchiveSinkConfig, 'id'> &
    Partial<Omit<ArchiveSinkConfig, 's3'>> & { s3?: Pick<ArchiveS3Config, 'bucket'> & Partial<ArchiveS3Config> },
): ArchiveSinkConfig {
  const { s3: s3in, ...rest } = cfg;
  const s3cfg: ArchiveS3Config | undefined = s3in
    ? { region: 'us-east-1', forcePathStyle: false, partSizeBytes: 8 * 1024 * 1024, ...s3in }
    : undefined;
  return { type: 'archive', ...ARCHIVE_DEFAULTS, topics: [...ARCHIVE_DEFAULTS.topics], ...rest, ...(s3cfg ? { s3: s3cfg } : {}) };
}
