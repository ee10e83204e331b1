import { boolean, number, object, string, type Infer, type FieldProblem } from '../../../core/config/dsl.js';
import { componentId, port } from '../../../core/config/fields.js';
import { authNone, connectionLimits, listenerTls } from '../../net/schema.js';
import { unauthenticated } from '../../net/auth.js';
import { VigilError } from '../../../core/errors/index.js';
import { connectionLimitProblems } from '../../net/index.js';
import { isValidTimeZone } from '../../parsers/index.js';
import { defaultsOf } from '../../../core/config/check.js';

/** RFC 5424 §6.1: receivers must take 480 octets. */
const MIN_MESSAGE_BYTES = 480;
/** librelp's DATALEN has at most 9 digits; far below that, 16 MiB bounds one connection's memory. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export const schema = object({
  description:
    'Receives syslog over RELP (rsyslog’s omrelp, librelp): each message is acknowledged only once Kafka holds it or its dead letter, so the sender resends whatever a crash or restart cut off.',
  fields: {
    id: componentId('input'),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on (2514 by convention); 0 picks a free port.'),
    maxMessageBytes: number({
      description:
        'Largest message taken whole, in bytes (imrelp’s maxDataSize); a larger one is dead-lettered with its first bytes and acknowledged, since resending it would fail again.',
      int: true,
      min: MIN_MESSAGE_BYTES,
      max: MAX_MESSAGE_BYTES,
      default: 65536,
    }),
    timezone: string({
      description: 'IANA time zone for timestamps that carry none (RFC 3164 headers, device times in CEF, LEEF and vendor logs).',
      format: 'timezone',
      default: 'UTC',
    }),
    keepOriginal: boolean({ description: 'Keep the raw message in `event.original`.', default: true }),
    parseWorkers: number({
      description:
        'Worker threads that parse, normalize and serialize this input’s messages when they come in batches (32 or more); 0 does everything on the main thread.',
      int: true,
      min: 0,
      max: 16,
      default: 1,
    }),
    ...connectionLimits({ perPeer: 64, idleSeconds: 600 }),
    tls: { ...listenerTls, description: 'Listen with TLS (omrelp `tls="on"`) using these PEM files; without it, in clear text.' },
    auth: authNone('it has `tls` with `tls.caFile` and `tls.requestCert` (mutual TLS)'),
  },
  check: relpInputProblems,
});

/** A `type: relp` input, as loaded. */
export type RelpInputConfig = { type: 'relp' } & Infer<typeof schema>;

/** Senders authenticate with client certificates, or the config says `auth: none`. */
function relpInputProblems(value: unknown): FieldProblem[] {
  const input = value as RelpInputConfig;
  if (input.auth === 'none') return [];
  const t = input.tls;
  if (t?.requestCert === true && t.rejectUnauthorized && t.caFile !== undefined) return [];
  return unauthenticated('relp has no authentication: set tls with tls.caFile and tls.requestCert (mutual TLS)');
}

/** What the schema declares as defaults, for code that builds a `RelpInputConfig` without the loader. */
export const RELP_INPUT_DEFAULTS = defaultsOf(schema) satisfies Partial<RelpInputConfig>;

/** Applies the defaults to what a user (or a test) wrote. */
export function withRelpDefaults(cfg: Pick<RelpInputConfig, 'id' | 'port'> & Partial<RelpInputConfig>): RelpInputConfig {
  return { type: 'relp', ...RELP_INPUT_DEFAULTS, ...cfg };
}

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
