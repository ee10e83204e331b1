import { boolean, number, object, oneOf, string, type FieldProblem, type Infer } from '../../core/config/dsl.js';
import { componentId, port } from '../../core/config/fields.js';
import { runnerFields } from '../runner/config.js';

/** RFC 5424 §6.2.1 facility names, in code order (local0 is 16). */
export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const; // prettier-ignore

/** RFC 5424 §6.2.1 severity names, in code order (info is 6). */
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

/** The largest UDP payload over IPv4 (65535 minus the IP and UDP headers). */
export const MAX_UDP_BYTES = 65_507;

/** What a syslog sink's config cannot say field by field. */
function syslogProblems(value: unknown): FieldProblem[] {
  const v = value as { protocol: string; tls?: Record<string, unknown>; maxMessageBytes: number };
  const problems: FieldProblem[] = [];
  // A sink without `tls:` loads with its defaults ({ rejectUnauthorized: true }): only a setting someone wrote conflicts.
  const tlsSet = v.tls !== undefined && Object.entries(v.tls).some(([k, x]) => !(k === 'rejectUnauthorized' && x === true));
  if (tlsSet && v.protocol !== 'tls') {
    problems.push({ code: 'CONFIG_CONFLICT', field: 'tls', message: `applies only with protocol: tls (not ${v.protocol})` });
  }
  if (v.protocol === 'udp' && v.maxMessageBytes > MAX_UDP_BYTES) {
    problems.push({
      code: 'CONFIG_RANGE',
      field: 'maxMessageBytes',
      message: `is larger than a UDP datagram can carry (${MAX_UDP_BYTES} bytes)`,
    });
  }
  return problems;
}

export const schema = object({
  description: 'Sends records as syslog (CEF, LEEF 2.0, JSON or the message) to QRadar, ArcSight or any syslog receiver.',
  check: syslogProblems,
  fields: {
    id: componentId('sink'),
    ...runnerFields,
    protocol: oneOf({
      description:
        'Transport: `udp` (one message per datagram, no delivery guarantee), `tcp` (RFC 6587) or `tls` (RFC 5425). Over TCP and TLS a record counts as delivered once written to the connection: syslog has no acknowledgement.',
      values: ['udp', 'tcp', 'tls'],
    }),
    host: string({ description: 'Receiver host name or address.', minLength: 1 }),
    port: port('Receiver port.'),
    format: oneOf({
      description: 'Syslog header: `rfc5424` (ISO time with milliseconds) or `rfc3164` (BSD, `Mmm dd hh:mm:ss`, UTC).',
      values: ['rfc5424', 'rfc3164'],
      default: 'rfc5424',
    }),
    framing: oneOf({
      description:
        'Message framing over TCP and TLS (RFC 6587): `octet-counting` (`LEN MSG`) or `lf` (one line per message; a line break inside becomes a space). Ignored for UDP.',
      values: ['octet-counting', 'lf'],
      default: 'octet-counting',
    }),
    encoding: oneOf({
      description:
        'What the message holds: `cef` (ArcSight CEF, ECS mapped back to CEF keys), `leef` (QRadar LEEF 2.0), `json` (the whole record) or `message` (its `message` field, JSON when it has none).',
      values: ['cef', 'leef', 'json', 'message'],
      default: 'cef',
    }),
    facility: oneOf({ description: 'Syslog facility of every message.', values: FACILITIES, default: 'local0' }),
    severity: oneOf({
      description: 'Syslog severity of records without `log.syslog.severity.code`.',
      values: SEVERITIES,
      default: 'info',
    }),
    appName: string({ description: 'APP-NAME (RFC 5424) or TAG (RFC 3164) of every message.', minLength: 1, default: 'vigil' }),
    hostname: string({
      description: "HOSTNAME of records without `host.hostname` or `host.name`. Default: this machine's host name.",
      minLength: 1,
      optional: true,
    }),
    deviceVendor: string({
      description: 'CEF Device Vendor / LEEF Vendor of records without `observer.vendor`.',
      minLength: 1,
      default: 'Vigil',
    }),
    deviceProduct: string({
      description: 'CEF Device Product / LEEF Product of records without `observer.product`.',
      minLength: 1,
      default: 'Vigil',
    }),
    deviceVersion: string({
      description: 'CEF Device Version / LEEF Version of records without `observer.version`.',
      minLength: 1,
      default: '1',
    }),
    leefDelimiter: oneOf({
      description: 'LEEF 2.0 attribute delimiter: `^`, or `tab` (LEEF 1.0 style; rsyslog escapes TABs it receives as `#011`).',
      values: ['^', 'tab'],
      default: '^',
    }),
    maxMessageBytes: number({
      description: 'Largest message sent, header included, in bytes; a larger record is dead-lettered. At most 65507 over UDP.',
      int: true,
      min: 480,
      max: 16 * 1024 * 1024,
      default: 65_507,
    }),
    queueSize: number({
      description:
        'Messages waiting for the connection at most (while it is being made again); past it, deliveries fail and are retried later, so nothing is dropped.',
      int: true,
      min: 1,
      max: 10_000_000,
      default: 50_000,
    }),
    connectTimeoutMs: number({ description: 'Longest wait for a TCP or TLS connection, in ms.', int: true, min: 100, default: 10_000 }),
    reconnectMaxMs: number({
      description: 'Longest wait between two attempts to connect again, in ms (the wait doubles from 250 ms, with jitter).',
      int: true,
      min: 250,
      default: 30_000,
    }),
    tls: object({
      description: 'TLS to the receiver (protocol: tls). Without `caFile`, Node’s public CAs.',
      optional: true,
      fields: {
        caFile: string({ description: 'CA bundle (PEM) the receiver certificate must chain to.', minLength: 1, optional: true }),
        certFile: string({ description: 'Client certificate (PEM), for receivers that ask for one.', minLength: 1, optional: true }),
        keyFile: string({ description: 'Private key (PEM) of `certFile`.', minLength: 1, optional: true }),
        servername: string({
          description: 'Name the receiver certificate must carry (also sent as SNI), when it is not `host`.',
          minLength: 1,
          optional: true,
        }),
        rejectUnauthorized: boolean({
          description: 'Refuse a receiver whose certificate cannot be verified.',
          default: true,
        }),
      },
    }),
  },
});

/** A `type: syslog` sink, as loaded. */
export type SyslogSinkConfig = { type: 'syslog' } & Infer<typeof schema>;
