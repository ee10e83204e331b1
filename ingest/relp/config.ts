import type { RelpInputConfig } from '../../core/config/types.js';
import { VigilError } from '../../core/errors/index.js';
import { CONNECTION_LIMIT_DEFAULTS, connectionLimitProblems } from '../net/index.js';
import { isValidTimeZone } from '../parsers/index.js';

/** Defaults the config loader applies to a `type: relp` input (the schema holds the descriptions). */
export const RELP_INPUT_DEFAULTS = {
  host: '127.0.0.1',
  maxMessageBytes: 65536,
  timezone: 'UTC',
  keepOriginal: true,
  parseWorkers: 1,
  ...CONNECTION_LIMIT_DEFAULTS,
  // omrelp keeps its session through quiet spells and sends no keep-alives: wait longer than for plain syslog.
  idleTimeoutSeconds: 600,
} as const satisfies Partial<RelpInputConfig>;

/** Applies the defaults to what a user (or a test) wrote. */
export function withRelpDefaults(cfg: Pick<RelpInputConfig, 'id' | 'port'> & Partial<RelpInputConfig>): RelpInputConfig {
  return { type: 'relp', ...RELP_INPUT_DEFAULTS, ...cfg };
}

/** RFC 5424 §6.1: receivers must take 480 octets. */
const MIN_MESSAGE_BYTES = 480;
/** librelp's DATALEN has at most 9 digits; far below that, 16 MiB bounds one connection's memory. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Every problem of one RELP input config that its schema cannot rule out (configs built in code
 * skip the loader), located at `path` (`inputs.<id>`).
 */
export function validateRelpInput(cfg: RelpInputConfig, path = 'input'): VigilError[] {
  const errors: VigilError[] = [];
  const at = (field: string) => ({ location: { path: `${path}.${field}` } });
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) {
    errors.push(new VigilError('CONFIG_RANGE', `port must be an integer 0–65535, not ${String(cfg.port)}`, at('port')));
  }
  if (!Number.isInteger(cfg.maxMessageBytes) || cfg.maxMessageBytes < MIN_MESSAGE_BYTES || cfg.maxMessageBytes > MAX_MESSAGE_BYTES) {
    errors.push(
      new VigilError(
        'CONFIG_RANGE',
        `maxMessageBytes must be an integer ${MIN_MESSAGE_BYTES}–${MAX_MESSAGE_BYTES}, not ${String(cfg.maxMessageBytes)}`,
        at('maxMessageBytes'),
      ),
    );
  }
  if (!Number.isInteger(cfg.parseWorkers) || cfg.parseWorkers < 0 || cfg.parseWorkers > 16) {
    errors.push(
      new VigilError('CONFIG_RANGE', `parseWorkers must be an integer 0–16, not ${String(cfg.parseWorkers)}`, at('parseWorkers')),
    );
  }
  if (typeof cfg.timezone !== 'string' || !isValidTimeZone(cfg.timezone)) {
    errors.push(new VigilError('CONFIG_ENUM', `timezone "${String(cfg.timezone)}" is not an IANA time zone`, at('timezone')));
  }
  if (cfg.tls && (!cfg.tls.certFile || !cfg.tls.keyFile)) {
    errors.push(new VigilError('CONFIG_REQUIRED', 'tls needs tls.certFile and tls.keyFile', at('tls')));
  }
  if (cfg.tls?.requestCert && cfg.tls.rejectUnauthorized !== false && !cfg.tls.caFile) {
    errors.push(
      new VigilError(
        'CONFIG_REQUIRED',
        'tls.requestCert with rejectUnauthorized needs tls.caFile to verify clients against',
        at('tls.caFile'),
      ),
    );
  }
  errors.push(...connectionLimitProblems(cfg, path));
  return errors;
}
