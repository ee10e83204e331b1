import { describe, expect, it } from 'vitest';
import { substitute } from '../../core/config/env.js';
import { ConfigError, parseConfig } from './schema.js';

const ENV = { HOST: 'kafka-1', PORT: '9093', EMPTY: '', DOLLAR: '$x' };

describe('substitute', () => {
  it.each([
    ['no reference', 'plain', 'plain', false],
    ['a whole value', '${HOST}', 'kafka-1', true],
    ['inside text', '${HOST}:${PORT}', 'kafka-1:9093', true],
    ['a default when unset', '${NOPE:-fallback}', 'fallback', true],
    ['a default when empty', '${EMPTY:-fallback}', 'fallback', true],
    ['the value over a default', '${HOST:-fallback}', 'kafka-1', true],
    ['an empty default', '${NOPE:-}', '', true],
    ['a default with spaces and colons', '${NOPE:-a b:c}', 'a b:c', true],
    ['set but empty, no default', '${EMPTY}', '', true],
    ['an escaped reference', '$${HOST}', '${HOST}', false],
    ['an escape next to a reference', '$${HOST}-${HOST}', '${HOST}-kafka-1', true],
    ['a lone dollar', 'a$b$', 'a$b$', false],
    ['a double dollar not before a brace', 'a$$b', 'a$$b', false],
    ['values are not substituted again', '${DOLLAR}{HOST}', '$x{HOST}', true],
  ])('%s', (_name, text, value, substituted) => {
    expect(substitute(text, ENV)).toEqual({ ok: true, value, substituted });
  });

  it.each([
    ['an unset variable', '${NOPE}', /environment variable NOPE is not set/],
    ['an unterminated reference', 'a ${HOST', /unterminated/],
    ['an empty reference', '${}', /malformed reference/],
    ['a bad name', '${1X}', /malformed reference/],
    ['another operator', '${HOST-x}', /malformed reference/],
    ['a nested default', '${NOPE:-${HOST}}', /nested reference/],
  ])('refuses %s', (_name, text, message) => {
    const r = substitute(text, ENV);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(message);
  });

  it('reports every unset variable of one value', () => {
    expect(substitute('${A}/${B}', {})).toEqual({
      ok: false,
      problems: [expect.stringMatching(/\bA is not set/), expect.stringMatching(/\bB is not set/)],
    });
  });
});

describe('substitution while loading', () => {
  const text = [
    'kafka:',
    '  brokers: ["${HOST}:${PORT}", "${OTHER:-kafka-2:9092}"]',
    '  partitions: ${PARTITIONS:-12}',
    'elasticsearch:',
    '  username: ${ES_USER:-}',
    '  password: "${ES_PASSWORD}"',
    'inputs:',
    '  - id: syslog',
    '    type: ${INPUT_TYPE:-syslog}',
    '    protocol: udp',
    '    port: ${PORT}',
    '    keepOriginal: ${KEEP:-false}',
    '    auth: none',
    'playbooks:',
    '  secrets:',
    '    LITERAL: "$${NOT_A_VAR}"',
    '    TOKEN: ${TOKEN}',
    '',
  ].join('\n');
  const env = { HOST: 'kafka-1', PORT: '9093', ES_PASSWORD: 'p@ss: w0rd', TOKEN: 't0k' };

  it('substitutes strings, converts numbers and booleans, and unsets empty optional fields', () => {
    const config = parseConfig(text, 'x.yaml', env);
    expect(config.kafka.brokers).toEqual(['kafka-1:9093', 'kafka-2:9092']);
    expect(config.kafka.partitions).toBe(12);
    expect(config.elasticsearch).toEqual({
      node: 'http://127.0.0.1:9200',
      password: 'p@ss: w0rd',
      indexPrefix: 'vigil',
      tls: { rejectUnauthorized: true },
    });
    expect(config.inputs[0]).toMatchObject({ type: 'syslog', port: 9093, keepOriginal: false });
    expect(config.playbooks.secrets).toEqual({ LITERAL: '${NOT_A_VAR}', TOKEN: 't0k' });
  });

  it('reports each unset variable at its scalar, with the field path', () => {
    let err: unknown;
    try {
      parseConfig(text, 'x.yaml', { HOST: 'h', PORT: '1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.map((p) => [p.code, p.location?.line, p.location?.column, p.location?.path]);
    expect(problems).toEqual([
      ['CONFIG_ENV', 6, 13, 'elasticsearch.password'],
      ['CONFIG_ENV', 17, 12, 'playbooks.secrets.TOKEN'],
    ]);
  });

  it('validates the substituted value', () => {
    expect(() => parseConfig('ops:\n  port: ${P}\n', 'x.yaml', { P: '99999' })).toThrow(/between 0 and 65535, got 99999/);
    expect(() => parseConfig('ops:\n  port: ${P}\n', 'x.yaml', { P: 'abc' })).toThrow(/expected an integer, got a string "abc"/);
  });

  it('does not convert a number field written as a quoted literal', () => {
    expect(() => parseConfig('ops:\n  port: "9464"\n', 'x.yaml', {})).toThrow(/expected an integer/);
  });

  it('leaves comments and keys alone', () => {
    const config = parseConfig('# ${UNSET}\nplaybooks:\n  secrets:\n    ${KEY}: v\n', 'x.yaml', {});
    expect(config.playbooks.secrets).toEqual({ '${KEY}': 'v' });
  });
});
