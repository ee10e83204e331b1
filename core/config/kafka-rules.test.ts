import { describe, expect, it } from 'vitest';
import { kafkaConnectionProblems } from './kafka-rules.js';
import type { KafkaConfig } from './types.js';

type Security = Pick<KafkaConfig, 'tls' | 'sasl'>;
const TLS = { enabled: true, rejectUnauthorized: true };
const fields = (c: Security) => kafkaConnectionProblems(c).map((p) => `${p.code} ${p.field}`);

describe('kafka connection rules', () => {
  it.each<[string, Security, string[]]>([
    ['no security at all', {}, []],
    [
      'SCRAM over TLS with a CA and a client certificate',
      {
        tls: { ...TLS, caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', keyPassword: 'p' },
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
      },
      [],
    ],
    ['SCRAM without TLS (the password is never sent)', { sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' } }, []],
    [
      'OAUTHBEARER over TLS',
      {
        tls: TLS,
        sasl: {
          mechanism: 'oauthbearer',
          oauth: { tokenEndpoint: 'https://idp/t', clientId: 'c', clientSecret: 's', refreshBeforeExpirySeconds: 60 },
        },
      },
      [],
    ],
    ['TLS files with TLS off', { tls: { enabled: false, rejectUnauthorized: true, caFile: 'ca.pem' } }, ['CONFIG_CONFLICT tls.enabled']],
    ['a certificate without its key', { tls: { ...TLS, certFile: 'c.pem' } }, ['CONFIG_REQUIRED tls.keyFile']],
    ['a key password without a key', { tls: { ...TLS, keyPassword: 'p' } }, ['CONFIG_CONFLICT tls.keyPassword']],
    [
      'a CA with the check turned off',
      { tls: { enabled: true, rejectUnauthorized: false, caFile: 'ca.pem' } },
      ['CONFIG_CONFLICT tls.rejectUnauthorized'],
    ],
    ['PLAIN without a password', { tls: TLS, sasl: { mechanism: 'plain', username: 'u' } }, ['CONFIG_REQUIRED sasl.password']],
    [
      'PLAIN without TLS (the password in clear)',
      { sasl: { mechanism: 'plain', username: 'u', password: 'p' } },
      ['CONFIG_CONFLICT tls.enabled'],
    ],
    [
      'OAUTHBEARER without a token endpoint',
      { tls: TLS, sasl: { mechanism: 'oauthbearer', oauth: { clientId: 'c', clientSecret: 's', refreshBeforeExpirySeconds: 60 } } },
      ['CONFIG_REQUIRED sasl.oauth.tokenEndpoint'],
    ],
    [
      'OAUTHBEARER with a password',
      {
        tls: TLS,
        sasl: {
          mechanism: 'oauthbearer',
          password: 'p',
          oauth: { tokenEndpoint: 'https://idp/t', clientId: 'c', clientSecret: 's', refreshBeforeExpirySeconds: 60 },
        },
      },
      ['CONFIG_CONFLICT sasl.password'],
    ],
    [
      'credentials without a mechanism',
      { sasl: { username: 'u', password: 'p' } },
      ['CONFIG_CONFLICT sasl.username', 'CONFIG_CONFLICT sasl.password'],
    ],
  ])('%s', (_name, cfg, expected) => {
    expect(fields(cfg)).toEqual(expected);
  });
});
