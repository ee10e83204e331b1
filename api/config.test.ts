import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../cli/config/schema.js';
import { isLoopback } from '../core/config/api.js';

const HASH = 'a'.repeat(64);
const problems = (text: string) => {
  try {
    parseConfig(text, 'x.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => ({ code: p.code, path: p.location?.path }));
    throw err;
  }
  return [];
};

describe('api config', () => {
  it('refuses to listen beyond loopback without tokens', () => {
    expect(problems('api:\n  enabled: true\n  host: 0.0.0.0\n')).toEqual([{ code: 'CONFIG_INSECURE', path: 'api.tokens' }]);
  });

  it('listens on loopback without tokens, and anywhere with them', () => {
    expect(problems('api:\n  enabled: true\n')).toEqual([]);
    expect(problems(`api:\n  enabled: true\n  host: 0.0.0.0\n  tokens:\n    - { name: soc, role: analyst, sha256: "${HASH}" }\n`)).toEqual(
      [],
    );
  });

  it('checks each token: a known role, a SHA-256 hash, unique names and hashes', () => {
    const text = [
      'api:',
      '  tokens:',
      `    - { name: a, role: root, sha256: "${HASH}" }`,
      '    - { name: b, role: viewer, sha256: "my-token" }',
      `    - { name: c, role: viewer, sha256: "${HASH}" }`,
      `    - { name: c, role: viewer, sha256: "${'b'.repeat(64)}" }`,
    ].join('\n');
    expect(problems(text)).toEqual([
      { code: 'CONFIG_ENUM', path: 'api.tokens[0].role' },
      { code: 'CONFIG_FORMAT', path: 'api.tokens[1].sha256' },
    ]);
    const dup = problems(
      ['api:', '  tokens:', `    - { name: c, role: viewer, sha256: "${HASH}" }`, `    - { name: c, role: admin, sha256: "${HASH}" }`].join(
        '\n',
      ),
    );
    expect(dup.map((p) => p.code)).toEqual(['CONFIG_CONFLICT', 'CONFIG_CONFLICT']);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['127.example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});
