/**
 * Schema fields that network inputs share: connection limits, a byte budget, the TLS blocks of a
 * listener, and the `auth: none` opt-out. Each input's `config.ts` puts them in its own schema.
 */
import { boolean, number, object, oneOf, string, type Infer } from '../../core/config/dsl.js';

/** Connection limits of a listener, so that silent or piled-up connections cannot lock senders out. */
export const connectionLimits = (defaults: { perPeer: number; idleSeconds: number }, note = '') => ({
  maxConnections: number({
    description: `Connections at once${note}; a new one past it is closed at once (and counted).`,
    int: true,
    min: 1,
    max: 1_000_000,
    default: 1024,
  }),
  maxConnectionsPerPeer: number({
    description:
      'Connections at once from one address; a new one past it is closed at once. Behind a proxy or load balancer every connection is the proxy’s.',
    int: true,
    min: 1,
    max: 1_000_000,
    default: defaults.perPeer,
  }),
  idleTimeoutSeconds: number({
    description: 'Close a connection silent this long, in seconds (senders reconnect on their next message); 0 never does.',
    int: true,
    min: 0,
    max: 86400,
    default: defaults.idleSeconds,
  }),
});

export type ConnectionLimitsConfig = { [K in keyof ReturnType<typeof connectionLimits>]: Infer<ReturnType<typeof connectionLimits>[K]> };

/** Bytes of request bodies in flight for an HTTP input; `busy` says what a refused request gets. */
export const maxInFlightBytes = (defaultBytes: number, busy: string) =>
  number({
    description: `Bytes of request bodies being read or waiting for Kafka, all requests together; past it, new requests get ${busy} with Retry-After instead of growing memory. At least \`maxBodyBytes\`.`,
    int: true,
    min: 1024,
    max: 16 * 1024 * 1024 * 1024,
    default: defaultBytes,
  });

/** `auth: none`: a network input without authentication must say so; `what` is how it authenticates otherwise. */
export const authNone = (what: string) =>
  oneOf({
    description: `\`none\` runs this input without authentication, on purpose: anyone who can reach the port can send events. Unset, the input refuses to start unless ${what}.`,
    values: ['none'],
    optional: true,
  });

/** TLS of a syslog-style listener (RFC 5425): PEM files read at start. */
export const listenerTls = object({
  description: 'TLS for `protocol: tls` (RFC 5425): PEM files read at start.',
  optional: true,
  fields: {
    certFile: string({ description: 'Server certificate file (PEM; a chain is allowed).', minLength: 1 }),
    keyFile: string({ description: 'Private key file of the certificate (PEM).', minLength: 1 }),
    caFile: string({ description: 'CA bundle file (PEM) that client certificates must chain to.', minLength: 1, optional: true }),
    requestCert: boolean({ description: 'Ask clients for a certificate (mutual TLS).', default: false }),
    rejectUnauthorized: boolean({
      description: 'With `requestCert`, refuse clients whose certificate is missing or does not chain to `caFile`.',
      default: true,
    }),
    handshakeTimeoutMs: number({
      description: 'A client that has not completed the TLS handshake by then is disconnected, in milliseconds.',
      int: true,
      min: 100,
      max: 600_000,
      default: 10_000,
    }),
  },
});
export type ListenerTlsConfig = Infer<typeof listenerTls>;

/** TLS of a Splunk listener (HEC, S2S): off unless `enabled`. */
export const splunkTls = object({
  description: 'TLS: listen with these PEM files instead of in clear text.',
  optional: true,
  fields: {
    enabled: boolean({ description: 'Listen with TLS; `certFile` and `keyFile` are then required.', default: false }),
    certFile: string({ description: 'Server certificate file (PEM; a chain is allowed).', optional: true }),
    keyFile: string({ description: 'Private key file of the certificate (PEM).', optional: true }),
    caFile: string({ description: 'CA bundle file (PEM) that client certificates must chain to.', optional: true }),
    requireClientCert: boolean({ description: 'Refuse clients without a certificate signed by `caFile`.', default: false }),
  },
});
export type SplunkTlsConfig = Infer<typeof splunkTls>;
