import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../cli/config/schema.js';
import { VigilError } from '../../core/errors/index.js';
import { MemoryPublisher } from '../../test/support/memory-publisher.js';
import { startInput, type InputConfig } from './registry.js';
import { withSyslogDefaults } from './syslog/index.js';

const GOOD = 'b3c1f0e2-9a7d-4c58-8e61-2f4a9d0c7b15';
const OIDC = '{ audience: "https://vigil.example.com/push", serviceAccountEmail: "push@p.iam.gserviceaccount.com" }';

/** The problems of a config with this one input, as `[code, line, column, path]`. */
function problems(input: string): Array<[string, number | undefined, number | undefined, string | undefined]> {
  try {
    parseConfig(`inputs:\n  - ${input}\n`, 'x.yaml', {});
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => [p.code, p.location?.line, p.location?.column, p.location?.path]);
  }
}

function messages(input: string): string[] {
  try {
    parseConfig(`inputs:\n  - ${input}\n`, 'x.yaml', {});
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => p.message);
  }
}

describe('a network input without authentication', () => {
  it.each([
    ['syslog over udp', '{ id: a, type: syslog, protocol: udp, port: 514 }'],
    ['syslog over tcp', '{ id: a, type: syslog, protocol: tcp, port: 514 }'],
    ['syslog over tls without client certificates', '{ id: a, type: syslog, protocol: tls, port: 6514, tls: { certFile: c, keyFile: k } }'],
    [
      'syslog over tls asking for, but not verifying, client certificates',
      '{ id: a, type: syslog, protocol: tls, port: 6514, tls: { certFile: c, keyFile: k, caFile: ca, requestCert: true, rejectUnauthorized: false } }',
    ],
    ['splunk-s2s in clear text', '{ id: a, type: splunk-s2s, port: 9997 }'],
    [
      'splunk-s2s over tls without client certificates',
      '{ id: a, type: splunk-s2s, port: 9997, tls: { enabled: true, certFile: c, keyFile: k } }',
    ],
    ['relp in clear text', '{ id: a, type: relp, port: 2514 }'],
    ['relp over tls without client certificates', '{ id: a, type: relp, port: 2514, tls: { certFile: c, keyFile: k } }'],
    ['gcp-pubsub without oidc', '{ id: a, type: gcp-pubsub, port: 8080 }'],
    ['gcp-pubsub with only a URL token', `{ id: a, type: gcp-pubsub, port: 8080, token: ${GOOD} }`],
  ])('is a config error at the input: %s', (_what, input) => {
    expect(problems(input)).toEqual([['CONFIG_INSECURE', 2, 5, 'inputs[0].auth']]);
    expect(messages(input)[0]).toMatch(/auth: none/);
  });

  it.each([
    ['syslog udp, saying auth: none', '{ id: a, type: syslog, protocol: udp, port: 514, auth: none }'],
    [
      'syslog over mutual TLS',
      '{ id: a, type: syslog, protocol: tls, port: 6514, tls: { certFile: c, keyFile: k, caFile: ca, requestCert: true } }',
    ],
    ['splunk-s2s, saying auth: none', '{ id: a, type: splunk-s2s, port: 9997, auth: none }'],
    [
      'splunk-s2s over mutual TLS',
      '{ id: a, type: splunk-s2s, port: 9997, tls: { enabled: true, certFile: c, keyFile: k, caFile: ca, requireClientCert: true } }',
    ],
    ['relp, saying auth: none', '{ id: a, type: relp, port: 2514, auth: none }'],
    ['relp over mutual TLS', '{ id: a, type: relp, port: 2514, tls: { certFile: c, keyFile: k, caFile: ca, requestCert: true } }'],
    ['gcp-pubsub with oidc', `{ id: a, type: gcp-pubsub, port: 8080, oidc: ${OIDC} }`],
    ['gcp-pubsub, saying auth: none', '{ id: a, type: gcp-pubsub, port: 8080, auth: none }'],
    ['splunk-hec (tokens)', `{ id: a, type: splunk-hec, port: 8088, tokens: [{ token: ${GOOD} }] }`],
    ['aws-firehose (access key)', `{ id: a, type: aws-firehose, port: 8443, accessKey: ${GOOD} }`],
    ['a file input (listens to nobody)', '{ id: a, type: file, paths: [/var/log/x.log] }'],
  ])('is accepted: %s', (_what, input) => {
    expect(problems(input)).toEqual([]);
  });

  it('is refused at startup too, for configs not read from a file', async () => {
    const open = withSyslogDefaults({ id: 'udp', protocol: 'udp', port: 0 });
    const deps = { publisher: new MemoryPublisher(), eventsTopic: 'e', deadletterTopic: 'd' };
    const thrown = await startInput(open, deps).catch((err: unknown) => err);
    expect(thrown).toBeInstanceOf(VigilError);
    expect(thrown).toMatchObject({ code: 'CONFIG_INSECURE', location: { path: 'inputs.udp.auth' } });
    const started = await startInput({ ...open, auth: 'none' } as InputConfig, deps);
    await started.close();
  });
});

describe('shared secrets', () => {
  const WEAK = [
    ['empty', '""'],
    ['change-me', 'change-me'],
    ['changeme', 'changeme'],
    ['CHANGE_ME, padded to length', 'CHANGE_ME_PLEASE_0123456789'],
    ['secret', 'secret'],
    ['password', 'password'],
    ['xxx…', 'xxxxxxxxxxxxxxxxxxxxxxxx'],
    ['the all-zero GUID', '00000000-0000-0000-0000-000000000000'],
    ['shorter than 16 characters', 'k3y-9f2Q_aZ'],
  ] as const;

  const where = [
    ['a HEC token', (v: string) => `{ id: a, type: splunk-hec, port: 8088, tokens: [{ token: ${v} }] }`, 'inputs[0].tokens[0].token'],
    ['a Firehose access key', (v: string) => `{ id: a, type: aws-firehose, port: 8443, accessKey: ${v} }`, 'inputs[0].accessKey'],
    ['a Pub/Sub push token', (v: string) => `{ id: a, type: gcp-pubsub, port: 8080, auth: none, token: ${v} }`, 'inputs[0].token'],
  ] as const;

  for (const [field, input, path] of where) {
    it.each(WEAK)(`${field} that is %s is refused, without echoing it`, (_what, value) => {
      // An empty optional token counts as unset; the other fields require a value.
      if (value === '""' && field === 'a Pub/Sub push token') return;
      const text = input(value);
      // The problem sits at the value, on line 2 after `  - `.
      expect(problems(text)).toEqual([['CONFIG_FORMAT', 2, text.indexOf(value) + 5, path]]);
      const [message] = messages(text);
      if (value !== '""') expect(message).not.toContain(value);
    });

    it(`${field} that is long and random is accepted`, () => {
      expect(problems(input(GOOD))).toEqual([]);
    });
  }
});
