import type { FileInputConfig } from '../../core/config/types.js';

/** Defaults the config loader applies to a `type: file` input (the schema holds the same). */
export const FILE_DEFAULTS = {
  mode: 'tail',
  format: 'auto',
  startAt: 'beginning',
  pollIntervalMs: 250,
  maxLineBytes: 1024 * 1024,
  timezone: 'UTC',
  keepOriginal: true,
} as const satisfies Partial<FileInputConfig>;

export function withFileDefaults(cfg: Pick<FileInputConfig, 'id' | 'paths'> & Partial<FileInputConfig>): FileInputConfig {
  return { type: 'file', ...FILE_DEFAULTS, ...cfg };
}
