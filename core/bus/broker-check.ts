import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { VigilError } from '../errors/index.js';
import { isTlsFailure } from './kafka-errors.js';

/**
 * An ApiVersions v0 request (api key 18), which every broker answers on every listener, before
 * any SASL exchange: size, api key, api version, correlation id, client id (int16-length string).
 */
function apiVersionsRequest(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const buf = Buffer.alloc(4 + 2 + 2 + 4 + 2 + id.length);
  buf.writeInt32BE(buf.length - 4, 0);
  buf.writeInt16BE(18, 4);
  buf.writeInt16BE(0, 6);
  buf.writeInt32BE(1, 8);
  buf.writeInt16BE(id.length, 12);
  id.copy(buf, 14);
  return buf;
}

function hostPort(broker: string): { host: string; port: number } {
  const i = broker.lastIndexOf(':');
  return { host: broker.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(broker.slice(i + 1)) };
}

const plainToTls = (broker: string) =>
  new VigilError(
    'BUS_TLS',
    `Kafka at ${broker} did not answer a clear-text request: its listener expects TLS (SSL or SASL_SSL); set kafka.tls.enabled: true`,
  );

type Outcome = { answered: true } | { answered: false; reason: string };

/** One ApiVersions exchange with one broker; throws BUS_TLS when TLS is misconfigured on either side. */
function probe(broker: string, ssl: ConnectionOptions | undefined, clientId: string, timeoutMs: number): Promise<Outcome> {
  const { host, port } = hostPort(broker);
  return new Promise((resolve, reject) => {
    let connected = false;
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const onConnect = () => {
      connected = true;
      socket.write(apiVersionsRequest(clientId));
    };
    // The same options kafkajs's own socket factory uses, so that the check meets what it will meet.
    const socket: Socket = ssl
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : netConnect({ host, port }, onConnect);
    const timer = setTimeout(() => done(() => resolve({ answered: false, reason: `no answer in ${timeoutMs} ms` })), timeoutMs);
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // A TLS listener answers clear text with a TLS alert record (content type 21, version 3.x).
      if (!ssl && received.length >= 2 && (received[0] === 21 || received[0] === 22) && received[1] === 3) {
        return done(() => reject(plainToTls(broker)));
      }
      // A Kafka response: int32 size, then our correlation id.
      if (received.length >= 8) {
        const ours = received.readInt32BE(4) === 1;
        done(() => resolve(ours ? { answered: true } : { answered: false, reason: 'an answer that is not Kafka' }));
      }
    });
    socket.once('error', (err) =>
      done(() => {
        if (!isTlsFailure(err)) return resolve({ answered: false, reason: err.message });
        reject(
          new VigilError(
            'BUS_TLS',
            `the TLS connection to Kafka at ${broker} failed: ${err.message}. Check kafka.tls (caFile, certFile/keyFile, servername)`,
            {
              cause: err,
            },
          ),
        );
      }),
    );
    socket.once('close', () =>
      done(() => {
        // A broker answers ApiVersions on any listener it speaks; one that accepts a clear-text
        // connection and closes it unanswered is a TLS listener that read our bytes as a bad handshake.
        if (connected && !ssl) return reject(plainToTls(broker));
        resolve({ answered: false, reason: 'connection closed' });
      }),
    );
  });
}

/**
 * Checks, before kafkajs connects, that the brokers speak the configured transport: kafkajs
 * retries a certificate it does not trust, or a TLS listener that hangs up on clear text, as if
 * the broker were down (half a minute, then again under our own retry). Returns once one broker
 * answers, or when none can be reached (then kafkajs's own connect reports it); throws BUS_TLS
 * when TLS cannot work.
 */
export async function checkBrokers(
  brokers: readonly string[],
  ssl: ConnectionOptions | undefined,
  clientId: string,
  timeoutMs = 5000,
): Promise<void> {
  for (const broker of brokers) {
    if ((await probe(broker, ssl, clientId, timeoutMs)).answered) return;
  }
}
