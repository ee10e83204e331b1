import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { KafkaSaslConfig, KafkaTlsConfig } from '../config/types.js';
import { VigilError } from '../errors/index.js';
import { OAuthTokenSource } from './oauth-token.js';

function readPem(file: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new VigilError('CONFIG_READ', `cannot read kafka.tls.${field} ${file}: ${(err as Error).message}`, {
      cause: err,
      location: { path: `kafka.tls.${field}` },
    });
  }
}

/** node:tls options for the brokers, read from the PEM files once; undefined when TLS is off. */
export function kafkaTlsOptions(tls: KafkaTlsConfig | undefined): ConnectionOptions | undefined {
  if (!tls?.enabled) return undefined;
  return {
    // Without caFile, Node's bundled public CAs (MSK, Confluent Cloud, Event Hubs certificates chain to them).
    ...(tls.caFile !== undefined ? { ca: [readPem(tls.caFile, 'caFile')] } : {}),
    ...(tls.certFile !== undefined ? { cert: readPem(tls.certFile, 'certFile') } : {}),
    ...(tls.keyFile !== undefined ? { key: readPem(tls.keyFile, 'keyFile') } : {}),
    ...(tls.keyPassword !== undefined ? { passphrase: tls.keyPassword } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
}

/** kafkajs SASL options; for oauthbearer, a token source shared by every connection of the client. */
export function kafkaSaslOptions(sasl: KafkaSaslConfig | undefined): SASLOptions | undefined {
  if (!sasl?.mechanism) return undefined;
  if (sasl.mechanism === 'oauthbearer') {
    const { tokenEndpoint, clientId, clientSecret } = sasl.oauth ?? {};
    if (!sasl.oauth || !tokenEndpoint || !clientId || !clientSecret) {
      throw new VigilError(
        'CONFIG_REQUIRED',
        'kafka.sasl.mechanism oauthbearer needs kafka.sasl.oauth tokenEndpoint, clientId and clientSecret',
      );
    }
    const source = new OAuthTokenSource({ ...sasl.oauth, tokenEndpoint, clientId, clientSecret });
    return { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await source.token() }) };
  }
  const { username = '', password = '' } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** `SCRAM-SHA-512 user "detect"`, `OAUTHBEARER client "vigil"`: who Vigil is to Kafka, for messages. */
export function saslIdentity(sasl: KafkaSaslConfig | undefined): string | undefined {
  if (!sasl?.mechanism) return undefined;
  const mech = sasl.mechanism.toUpperCase();
  return sasl.mechanism === 'oauthbearer' ? `${mech} client "${sasl.oauth?.clientId ?? ''}"` : `${mech} user "${sasl.username ?? ''}"`;
}
