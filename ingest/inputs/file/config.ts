import { array, boolean, number, object, oneOf, string, type Infer } from '../../../core/config/dsl.js';
import { componentId } from '../../../core/config/fields.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description:
    'Tails files (following appends and rotation) or reads them once: JSON lines, syslog lines, Windows event JSON, VPC flow logs.',
  fields: {
    id: componentId('input'),
    paths: array({
      description: 'Files or directories (every file in a directory, not recursive).',
      items: string({ description: 'A file or directory.', minLength: 1 }),
      minItems: 1,
    }),
    mode: oneOf({
      description: '`tail` follows appends and rotation (checkpointed); `read` reads each file once from its checkpoint to its end.',
      values: ['tail', 'read'],
      default: 'tail',
    }),
    format: oneOf({
      description:
        'Line format: `json` (JSON lines, vendor records detected), `syslog`, `windows` (evtx_dump or Winlogbeat JSON), `vpcflow` (AWS VPC flow logs, a header line naming the fields of the lines after it), or `auto` (by the first character; VPC flow log lines recognized).',
      values: ['auto', 'json', 'syslog', 'windows', 'vpcflow'],
      default: 'auto',
    }),
    stateFile: string({ description: 'Checkpoint file of read offsets. Default `.vigil/state/<id>.json`.', minLength: 1, optional: true }),
    startAt: oneOf({ description: 'Where a file without a checkpoint starts.', values: ['beginning', 'end'], default: 'beginning' }),
    pollIntervalMs: number({
      description: 'Milliseconds between checks for growth and rotation.',
      int: true,
      min: 10,
      max: 60_000,
      default: 250,
    }),
    maxLineBytes: number({
      description: 'Longest line, in bytes; longer ones are dead-lettered.',
      int: true,
      min: 256,
      max: 64 * 1024 * 1024,
      default: 1024 * 1024,
    }),
    timezone: string({ description: 'IANA time zone for syslog timestamps that carry none.', format: 'timezone', default: 'UTC' }),
    keepOriginal: boolean({ description: 'Keep each line in `event.original`.', default: true }),
  },
});

/** A `type: file` input, as loaded. */
export type FileInputConfig = { type: 'file' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `FileInputConfig` without the loader. */
export const FILE_DEFAULTS = defaultsOf(schema) satisfies Partial<FileInputConfig>;

export function withFileDefaults(cfg: Pick<FileInputConfig, 'id' | 'paths'> & Partial<FileInputConfig>): FileInputConfig {
  return { type: 'file', ...FILE_DEFAULTS, ...cfg };
}
