import { boolean, number, object, oneOf, string, type Infer, type FieldProblem } from '../../../core/config/dsl.js';
import { componentId, port } from '../../../core/config/fields.js';
import { authNone, connectionLimits, listenerTls } from '../../net/schema.js';
import { unauthenticated } from '../../net/auth.js';
import { VigilError } from '../../../core/errors/index.js';
import { connectionLimitProblems } from '../../net/index.js';
import { isValidTimeZone } from '../../parsers/index.js';
import { defaultsOf } from '../../../core/config/check.js';

/** RFC 5424 §6.1: receivers must accept messages of 480 octets (RFC 5426 §3.2 says the same of UDP). */
const MIN_MESSAGE_BYTES = 480;
/** No UDP payload reaches 64 KiB. */
const MAX_UDP_BYTES = 65536;
/** Bounds one TCP or TLS connection's memory. */
const MAX_TCP_BYTES = 16 * 1024 * 1024;

export const schema = object({
  description: 'Receives syslog (RFC 3164 or RFC 5424, with CEF or LEEF inside) over UDP, TCP or TLS.',
  fields: {
    id: componentId('input'),
    protocol: oneOf({
      description:
        'Transport: `udp` (one message per datagram), `tcp` (octet-counted or newline-framed, RFC 6587) or `tls` (the same framings over TLS, RFC 5425; needs `tls`).',
      values: ['udp', 'tcp', 'tls'],
    }),
    host: string({ description: 'Address to listen on.', minLength: 1, default: '127.0.0.1' }),
    port: port('Port to listen on; 0 picks a free port.'),
    maxMessageBytes: number({
      description: 'Largest accepted message, in bytes; larger ones are dead-lettered.',
      int: true,
      min: MIN_MESSAGE_BYTES,
      max: MAX_TCP_BYTES,
      default: 65536,
    }),
    timezone: string({
      description: 'IANA time zone for timestamps that carry none (RFC 3164 headers, device times in CEF, LEEF and vendor logs).',
      format: 'timezone',
      default: 'UTC',
    }),
    keepOriginal: boolean({ description: 'Keep the raw message in `event.original`.', default: true }),
    outputSchema: oneOf({
      description:
        'Schema of the events this input publishes on `vigil.events`: always `ecs` (Elastic Common Schema), which detection rules and the Elasticsearch template read; `ocsf` is refused. `vigil parse --schema ocsf` shows the OCSF mapping of a log line.',
      values: ['ecs', 'ocsf'],
      optional: true,
    }),
    parseWorkers: number({
      description:
        'Worker threads that parse, normalize and serialize this input’s messages when they come in batches (32 or more), so a busy input uses more than one core; 0 does everything on the main thread.',
      int: true,
      min: 0,
      max: 16,
      default: 1,
    }),
    ...connectionLimits({ perPeer: 64, idleSeconds: 300 }, ' (TCP and TLS)'),
    tls: listenerTls,
    auth: authNone('it is TLS with `tls.caFile` and `tls.requestCert` (mutual TLS)'),
  },
  check: syslogInputProblems,
});

/** A `type: syslog` input, as loaded. */
export type SyslogInputConfig = { type: 'syslog' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `SyslogInputConfig` without the loader. */
export const SYSLOG_INPUT_DEFAULTS = defaultsOf(schema) satisfies Partial<SyslogInputConfig>;

/**
 * What the field schemas cannot say: senders authenticate (mutual TLS) unless `auth: none`; a
 * `tls` input has its certificate; a UDP message fits a datagram; events are ECS.
 */
function syslogInputProblems(value: unknown): FieldProblem[] {
  const input = value as SyslogInputConfig;
  const problems: FieldProblem[] = [];
  if (input.protocol === 'tls' && input.tls === undefined) {
    problems.push({ code: 'CONFIG_REQUIRED', field: 'tls', message: 'protocol tls needs tls.certFile and tls.keyFile' });
  }
  if (input.protocol === 'udp' && input.maxMessageBytes > MAX_UDP_BYTES) {
    problems.push({
      code: 'CONFIG_RANGE',
      field: 'maxMessageBytes',
      message: `maxMessageBytes must be at most ${MAX_UDP_BYTES} for udp (no datagram is larger), got ${input.maxMessageBytes}`,
    });
  }
  if (input.outputSchema === 'ocsf') {
    problems.push({
      code: 'CONFIG_ENUM',
      field: 'outputSchema',
      message:
        'an input cannot publish OCSF: vigil.events is always ECS, which detection rules and the Elasticsearch template read; remove `outputSchema` (`vigil parse --schema ocsf` shows the OCSF mapping of any log line)',
    });
  }
  return [...problems, ...syslogAuthProblems(input)];
}

function syslogAuthProblems(input: SyslogInputConfig): FieldProblem[] {
  if (input.auth === 'none') return [];
  const t = input.tls;
  if (input.protocol === 'tls' && t?.requestCert === true && t.rejectUnauthorized && t.caFile !== undefined) return [];
  return unauthenticated(
    `syslog over ${input.protocol} has no authentication: use protocol tls with tls.caFile and tls.requestCert (mutual TLS)`,
  );
}

/** Applies the defaults to what a user wrote. */
export function withSyslogDefaults(
  cfg: Pick<SyslogInputConfig, 'id' | 'protocol' | 'port'> & Partial<SyslogInputConfig>,
): SyslogInputConfig {
  return { type: 'syslog', ...SYSLOG_INPUT_DEFAULTS, ...cfg };
}

/**
 * Every problem of one syslog input config, located at `path` (e.g. `inputs[0]`): checked again
 * at start, for configs built in code, which skip the loader.
 */
export function validateSyslogInput(cfg: SyslogInputConfig, path = 'input'): VigilError[] {
  const errors: VigilError[] = [];
  const at = (field: string) => ({ location: { path: `${path}.${field}` } });
  if (cfg.protocol !== 'udp' && cfg.protocol !== 'tcp' && cfg.protocol !== 'tls') {
    errors.push(new VigilError('CONFIG_ENUM', `protocol must be udp, tcp or tls, not ${String(cfg.protocol)}`, at('protocol')));
  }
  if (cfg.protocol === 'tls' && (!cfg.tls || !cfg.tls.certFile || !cfg.tls.keyFile)) {
    errors.push(new VigilError('CONFIG_REQUIRED', 'protocol tls needs tls.certFile and tls.keyFile', at('tls')));
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
  if (cfg.outputSchema !== undefined && cfg.outputSchema !== 'ecs' && cfg.outputSchema !== 'ocsf') {
    errors.push(new VigilError('CONFIG_ENUM', `outputSchema must be ecs or ocsf, not ${String(cfg.outputSchema)}`, at('outputSchema')));
  }
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) {
    errors.push(new VigilError('CONFIG_RANGE', `port must be an integer 0–65535, not ${String(cfg.port)}`, at('port')));
  }
  const maxBytes = cfg.protocol === 'udp' ? MAX_UDP_BYTES : MAX_TCP_BYTES;
  if (!Number.isInteger(cfg.maxMessageBytes) || cfg.maxMessageBytes < MIN_MESSAGE_BYTES || cfg.maxMessageBytes > maxBytes) {
    errors.push(
      new VigilError(
        'CONFIG_RANGE',
        `maxMessageBytes must be an integer ${MIN_MESSAGE_BYTES}–${maxBytes} for ${cfg.protocol}, not ${String(cfg.maxMessageBytes)}`,
        at('maxMessageBytes'),
      ),
    );
  }
  if (!Number.isInteger(cfg.parseWorkers) || cfg.parseWorkers < 0 || cfg.parseWorkers > 16) {
    errors.push(
      new VigilError('CONFIG_RANGE', `parseWorkers must be an integer 0–16, not ${String(cfg.parseWorkers)}`, at('parseWorkers')),
    );
  }
  if (cfg.protocol !== 'udp') errors.push(...connectionLimitProblems(cfg, path));
  if (typeof cfg.timezone !== 'string' || !isValidTimeZone(cfg.timezone)) {
    errors.push(new VigilError('CONFIG_ENUM', `timezone "${String(cfg.timezone)}" is not an IANA time zone`, at('timezone')));
  }
  return errors;
}
