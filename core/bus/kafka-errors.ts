import { VigilError } from '../errors/index.js';

/** What an error message may say about the client that met it. */
export interface BusErrorContext {
  brokers: readonly string[];
  /** `SCRAM-SHA-512 user "detect"`, or undefined without SASL. */
  identity?: string;
  /** The topic of a send, when known. */
  topic?: string;
}

const ACL_HINT = 'core/bus/SECURITY.md lists the ACLs each stage needs';

/**
 * Node's codes for a certificate that does not verify (node:tls, OpenSSL's X509_V_ERR_*), and
 * OpenSSL's for a handshake the other side refused or did not speak.
 */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
]);

type Failure = Error & { type?: string; code?: string; retriable?: boolean; cause?: unknown; originalError?: unknown };

/** The error and the errors it wraps (kafkajs's retrier wraps the last one as `cause`). */
function* chain(err: unknown): Generator<Failure> {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e instanceof Error && !seen.has(e)) {
    seen.add(e);
    yield e as Failure;
    e = (e as Failure).cause ?? (e as Failure).originalError;
  }
}

/** True for errors of a TLS handshake or certificate check (node:tls codes or OpenSSL messages). */
export function isTlsFailure(err: unknown): boolean {
  for (const e of chain(err)) {
    if (e.code && TLS_CODES.has(e.code)) return true;
    if (/SSL routines|certificate|wrong version number/i.test(e.message)) return true;
  }
  return false;
}

function authorizationMessage(type: string, ctx: BusErrorContext): string {
  const who = ctx.identity ?? 'the anonymous principal';
  switch (type) {
    case 'TOPIC_AUTHORIZATION_FAILED':
      return `Kafka refused ${who} access to topic ${ctx.topic ?? '(see the operation)'}: an ACL must allow it (Write to produce, Read to consume, Describe always)`;
    case 'GROUP_AUTHORIZATION_FAILED':
      return `Kafka refused ${who} access to its consumer group: an ACL must allow Read on the group`;
    case 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED':
      return `Kafka refused ${who} its transactional id: an ACL must allow Write (and Describe) on the transactional id`;
    case 'CLUSTER_AUTHORIZATION_FAILED':
      return `Kafka refused ${who} a cluster operation: an idempotent producer needs Write on a topic it produces to (or IdempotentWrite on the cluster), and creating topics needs Create`;
    default:
      return `Kafka refused ${who} an operation (${type})`;
  }
}

/**
 * The VigilError for a kafkajs failure that retrying cannot fix (credentials, ACLs, TLS), so that
 * callers stop and say so instead of retrying until a timeout; any other error is returned as is.
 */
export function toBusError(err: unknown, ctx: BusErrorContext): unknown {
  if (err instanceof VigilError) return err;
  for (const e of chain(err)) {
    if (e instanceof VigilError) return e; // thrown by our own code inside kafkajs (the OAuth token source)
    if (e.name === 'KafkaJSSASLAuthenticationError') {
      return new VigilError(
        'BUS_AUTHENTICATION',
        `Kafka at ${ctx.brokers.join(',')} refused the credentials of ${ctx.identity ?? 'Vigil'}: ${e.message}. Check kafka.sasl (mechanism, username, password or oauth)`,
        { cause: err },
      );
    }
    if (typeof e.type === 'string' && e.type.endsWith('_AUTHORIZATION_FAILED')) {
      return new VigilError('BUS_AUTHORIZATION', `${authorizationMessage(e.type, ctx)} (${e.type}); ${ACL_HINT}`, { cause: err });
    }
  }
  if (isTlsFailure(err)) {
    return new VigilError(
      'BUS_TLS',
      `the TLS connection to Kafka at ${ctx.brokers.join(',')} failed: ${(err as Error).message}. Check kafka.tls (caFile, certFile/keyFile, servername)`,
      { cause: err },
    );
  }
  return err;
}

/**
 * The error behind a failed batch when retrying cannot fix it (a refused ACL or credential, or
 * any non-retriable VigilError of the stage): the consumer loops report the stall with it.
 */
export function unfixableByRetry(err: unknown, ctx: BusErrorContext): VigilError | undefined {
  const e = toBusError(err, ctx);
  return e instanceof VigilError && !e.retriable ? e : undefined;
}
