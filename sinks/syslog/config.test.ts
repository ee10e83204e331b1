import { describe, expect, it } from 'vitest';
import { configLoader, ConfigError } from '../../core/config/index.js';
import { schema } from './config.js';

const loader = configLoader(schema);

function problems(text: string): Array<{ code: string; path?: string; message: string }> {
  try {
    loader.parseConfig(text, 'vigil.yaml', {});
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => ({ code: p.code, path: p.location?.path, message: p.message }));
  }
}

describe('syslog sink schema', () => {
  it('loads a TCP or UDP sink that says nothing about TLS', () => {
    expect(problems('id: q\nprotocol: tcp\nhost: 127.0.0.1\nport: 514\n')).toEqual([]);
    expect(problems('id: q\nprotocol: udp\nhost: 127.0.0.1\nport: 514\nmaxMessageBytes: 1400\n')).toEqual([]);
  });

  it('refuses a TLS setting on a sink that does not use TLS, naming the field', () => {
    expect(problems('id: q\nprotocol: tcp\nhost: 127.0.0.1\nport: 514\ntls: { caFile: /etc/ca.pem }\n')).toEqual([
      { code: 'CONFIG_CONFLICT', path: 'tls', message: 'applies only with protocol: tls (not tcp)' },
    ]);
    expect(problems('id: q\nprotocol: tcp\nhost: 127.0.0.1\nport: 514\ntls: { rejectUnauthorized: false }\n')).toHaveLength(1);
  });
});
