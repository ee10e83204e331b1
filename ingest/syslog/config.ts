import type { SyslogInputConfig } from '../../core/config/types.js';
import { VigilError } from '../../core/errors/index.js';
import { CONNECTION_LIMIT_DEFAULTS, connectionLimitProblems } from '../net/index.js';
import { isValidTimeZone } from '../parsers/index.js';

/** Defaults the config loader applies to a `type: syslog` input. */
export const SYSLOG_INPUT_DEFAULTS = {
  host: '127.0.0.1',
  maxMessageBytes: 65536,
  timezone: 'UTC',
  keepOriginal: true,
  parseWorkers: 1,
  ...CONNECTION_LIMIT_DEFAULTS,
} as const satisfies Partial<SyslogInputConfig>;

/** One description per field, for docs and `vigil validate`. */
export const SYSLOG_INPUT_FIELDS: Record<keyof Required<SyslogInputConfig>, string> = {
  id: 'Unique id of this input; labels its metrics, logs, events (vigil.input) and dead letters.',
  type: 'Always `syslog`.',
  protocol:
    '`udp` (RFC 5426, one message per datagram), `tcp` (RFC 6587, octet-counted or LF-framed, detected per frame) or `tls` (RFC 5425, the same framings over TLS).',
  host: 'Address to listen on. Default 127.0.0.1; 0.0.0.0 or :: for all interfaces.',
  port: 'Port to listen on (514 is the convention; 0 picks a free port).',
  maxMessageBytes: 'Largest message accepted, in bytes; larger ones are dead-lettered with their first bytes. Default 65536.',
  timezone: 'IANA time zone of timestamps that carry none (RFC 3164, CEF/LEEF/vendor device times). Default UTC.',
  keepOriginal: 'Keep the raw message in event.original. Default true.',
  outputSchema: 'Schema of the published events: always ecs (vigil.events is ECS; ocsf is refused, `vigil parse --schema ocsf` shows it).',
  parseWorkers:
    'Worker threads that parse, normalize and serialize batches of 32 messages or more; 0 keeps it on the main thread. Default 1.',
  maxConnections: 'TCP and TLS: connections at once; a new one past it is closed at once and counted. Default 1024.',
  maxConnectionsPerPeer: 'TCP and TLS: connections at once from one address; a new one past it is closed at once and counted. Default 64.',
  idleTimeoutSeconds:
    'TCP and TLS: a connection silent this long is closed (the sender reconnects on its next message); 0 never. Default 300.',
  tls: 'For protocol tls: certFile, keyFile (PEM), caFile, requestCert (default false), rejectUnauthorized (default true), handshakeTimeoutMs (default 10000).',
  auth: '`none` accepts unauthenticated senders on purpose; unset, the input starts only as mutual TLS (tls.caFile, tls.requestCert).',
};

/** RFC 5426 §3.2: receivers must take 480 bytes; no UDP payload reaches 64 KiB. */
const MIN_MESSAGE_BYTES = 480;
const MAX_UDP_BYTES = 65536;
const MAX_TCP_BYTES = 16 * 1024 * 1024;

/** Applies the defaults to what a user wrote. */
export function withSyslogDefaults(
  cfg: Pick<SyslogInputConfig, 'id' | 'protocol' | 'port'> & Partial<SyslogInputConfig>,
): SyslogInputConfig {
  return { type: 'syslog', ...SYSLOG_INPUT_DEFAULTS, ...cfg };
}

/** Every problem of one syslog input config, located at `path` (e.g. `inputs[0]`). */
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
