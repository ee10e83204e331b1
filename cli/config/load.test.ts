import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../core/errors/index.js';
import { ConfigError, defaultConfig, loadConfig, parseConfig } from './schema.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/config/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

/** Loads and returns the ConfigError it must throw. */
function problemsOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const flat = (err: ConfigError) =>
  err.problems.map((p) => ({ code: p.code, line: p.location?.line, column: p.location?.column, path: p.location?.path }));

// One fixture per CONFIG_* code: each file has exactly that one problem, at that place.
const NEGATIVE: Array<{ code: ErrorCode; line?: number; column?: number; path?: string; message: RegExp }> = [
  { code: 'CONFIG_YAML', line: 4, column: 3, message: /invalid YAML: Flow sequence/ },
  { code: 'CONFIG_TYPE', line: 4, column: 15, path: 'kafka.partitions', message: /expected an integer, got a string "six"/ },
  { code: 'CONFIG_REQUIRED', line: 3, column: 5, path: 'inputs[0].port', message: /missing required field "port"/ },
  { code: 'CONFIG_UNKNOWN_FIELD', line: 4, column: 3, path: 'redis.prefx', message: /unknown field "prefx" \(did you mean "prefix"\?\)/ },
  { code: 'CONFIG_ENUM', line: 5, column: 15, path: 'inputs[0].protocol', message: /must be one of udp, tcp, tls, got "quic"/ },
  { code: 'CONFIG_RANGE', line: 6, column: 11, path: 'inputs[0].port', message: /between 0 and 65535, got 70000/ },
  { code: 'CONFIG_FORMAT', line: 5, column: 7, path: 'kafka.brokers[1]', message: /"kafka-2.internal" must be `host:port`/ },
  { code: 'CONFIG_ENV', line: 4, column: 13, path: 'elasticsearch.password', message: /VIGIL_TEST_UNSET_PASSWORD is not set/ },
  {
    code: 'CONFIG_DUPLICATE_ID',
    line: 9,
    column: 9,
    path: 'sinks[0].id',
    message: /id "main" is already used by inputs\[0\]\.id \(line 3\)/,
  },
  {
    code: 'CONFIG_INSECURE',
    line: 3,
    column: 5,
    path: 'inputs[0].auth',
    message: /syslog over tcp has no authentication.*auth: none/,
  },
  {
    code: 'CONFIG_CONFLICT',
    line: 6,
    column: 5,
    path: 'elasticsearch.tls.rejectUnauthorized',
    message: /rejectUnauthorized: false turns off the certificate check/,
  },
  // A directory where a file is expected: reading fails, and there is no position to give.
  { code: 'CONFIG_READ', message: /cannot read configuration: EISDIR/ },
];

describe('negative fixtures, one per CONFIG_* code', () => {
  it.each(NEGATIVE)('invalid-$code.yaml', ({ code, line, column, path, message }) => {
    const file = fixture(`invalid-${code}.yaml`);
    const err = problemsOf(() => loadConfig(file, {}));
    expect(flat(err)).toEqual([{ code, line, column, path }]);
    expect(err.problems[0].message).toMatch(message);
    expect(err.problems[0].location?.file).toBe(file);
    expect(err.code).toBe(code);
    expect(err.problems[0].describe()).toBe(
      `${[file, line, column].filter((x) => x !== undefined).join(':')}${path ? ` ${path}` : ''}: ${err.problems[0].message} [${code}]`,
    );
  });

  it('covers every CONFIG_* code in the catalog, and every fixture is in the table', () => {
    const codes = Object.keys(ERROR_CODES)
      .filter((c) => c.startsWith('CONFIG_'))
      .sort();
    const fixtures = readdirSync(FIXTURES)
      .map((f) => /^invalid-(CONFIG_[A-Z_]+)\.yaml$/.exec(f)?.[1])
      .filter((c): c is string => c !== undefined)
      .sort();
    expect(fixtures).toEqual(codes);
    expect(NEGATIVE.map((n) => n.code).sort()).toEqual(codes);
  });
});

describe('collecting problems', () => {
  it('reports every problem of a file, in file order, and throws once', () => {
    const err = problemsOf(() => loadConfig(fixture('many-problems.yaml'), {}));
    expect(flat(err)).toEqual([
      { code: 'CONFIG_FORMAT', line: 3, column: 13, path: 'kafka.brokers[0]' },
      { code: 'CONFIG_RANGE', line: 4, column: 15, path: 'kafka.partitions' },
      { code: 'CONFIG_UNKNOWN_FIELD', line: 5, column: 3, path: 'kafka.compresion' },
      { code: 'CONFIG_ENV', line: 10, column: 11, path: 'inputs[0].port' },
      { code: 'CONFIG_DUPLICATE_ID', line: 11, column: 9, path: 'inputs[1].id' },
      { code: 'CONFIG_TYPE', line: 15, column: 19, path: 'inputs[1].keepOriginal' },
      { code: 'CONFIG_ENUM', line: 18, column: 11, path: 'sinks[0].type' },
      { code: 'CONFIG_TYPE', line: 20, column: 16, path: 'playbooks.concurrency' },
    ]);
    // The error itself is the first problem, saying how many more there are.
    expect(err.code).toBe('CONFIG_FORMAT');
    expect(err.location).toEqual(err.problems[0].location);
    expect(err.message).toMatch(/\(and 7 more problems\)$/);
    expect(err).toBeInstanceOf(ConfigError);
  });

  it('reports only syntax problems when the YAML is malformed', () => {
    const err = problemsOf(() => parseConfig('kafka:\n  partitions: six\n  brokers: [a\n', 'x.yaml', {}));
    expect(err.problems.map((p) => p.code)).toEqual(['CONFIG_YAML']);
  });

  it('reports duplicate keys as YAML problems at the second key', () => {
    const err = problemsOf(() => parseConfig('ops:\n  port: 1\n  port: 2\n', 'x.yaml', {}));
    expect(flat(err)).toEqual([{ code: 'CONFIG_YAML', line: 3, column: 3, path: undefined }]);
  });

  it('refuses a line over 65,536 characters at that line, before the YAML parser spends seconds on it', () => {
    const err = problemsOf(() => parseConfig(`ops:\n  port: 1\n# ${'x['.repeat(40_000)}\n`, 'x.yaml', {}));
    expect(flat(err)).toEqual([{ code: 'CONFIG_YAML', line: 3, column: 1, path: undefined }]);
    expect(err.problems[0]?.message).toMatch(/line 3 is 80002 characters long; a YAML line may have at most 65536/);
  });

  it('a missing file is CONFIG_READ with the file as location', () => {
    const file = fixture('does-not-exist.yaml');
    const err = problemsOf(() => loadConfig(file, {}));
    expect(err.code).toBe('CONFIG_READ');
    expect(err.problems).toHaveLength(1);
    expect(err.describe()).toBe(`${file}: cannot read configuration: no such file [CONFIG_READ]`);
  });

  it.each([
    ['a list at the top', '- a\n', { code: 'CONFIG_TYPE', line: 1, column: 1, path: undefined }],
    ['a scalar for a section', 'kafka: yes\n', { code: 'CONFIG_TYPE', line: 1, column: 8, path: 'kafka' }],
    ['a string for a list', 'kafka:\n  brokers: "127.0.0.1:9092"\n', { code: 'CONFIG_TYPE', line: 2, column: 12, path: 'kafka.brokers' }],
    [
      'an empty list where one item is needed',
      'kafka:\n  brokers: []\n',
      { code: 'CONFIG_RANGE', line: 2, column: 12, path: 'kafka.brokers' },
    ],
    ['an unknown top-level field', 'input: []\n', { code: 'CONFIG_UNKNOWN_FIELD', line: 1, column: 1, path: 'input' }],
    [
      'a number where a string is needed',
      'elasticsearch:\n  password: 0123\n',
      { code: 'CONFIG_TYPE', line: 2, column: 13, path: 'elasticsearch.password' },
    ],
    ['an input without type', 'inputs:\n  - id: a\n    port: 1\n', { code: 'CONFIG_REQUIRED', line: 2, column: 5, path: 'inputs[0].type' }],
    ['an input that is not a mapping', 'inputs:\n  - syslog\n', { code: 'CONFIG_TYPE', line: 2, column: 5, path: 'inputs[0]' }],
    [
      'a bad time zone',
      'inputs:\n  - { id: a, type: syslog, protocol: udp, port: 1, timezone: Mars/Olympus }\n',
      { code: 'CONFIG_FORMAT', line: 2, column: 62, path: 'inputs[0].timezone' },
    ],
    ['an http URL for redis', 'redis:\n  url: http://127.0.0.1:6379\n', { code: 'CONFIG_FORMAT', line: 2, column: 8, path: 'redis.url' }],
    [
      'an uppercase index prefix',
      'elasticsearch:\n  indexPrefix: Vigil\n',
      { code: 'CONFIG_FORMAT', line: 2, column: 16, path: 'elasticsearch.indexPrefix' },
    ],
    ['an empty rules path', 'detections:\n  rules: [""]\n', { code: 'CONFIG_FORMAT', line: 2, column: 11, path: 'detections.rules[0]' }],
    [
      'a list as a secret',
      'playbooks:\n  secrets:\n    A: [1]\n',
      { code: 'CONFIG_TYPE', line: 3, column: 8, path: 'playbooks.secrets.A' },
    ],
    ['null as a list item', 'detections:\n  rules:\n    -\n', { code: 'CONFIG_TYPE', line: 3, column: 6, path: 'detections.rules[0]' }],
    [
      'one placeholder given twice',
      'detections:\n  placeholders:\n    admins: [root]\n  placeholderFiles:\n    admins: admins.txt\n',
      { code: 'CONFIG_CONFLICT', line: 5, column: 5, path: 'detections.placeholderFiles.admins' },
    ],
  ])('%s', (_name, text, expected) => {
    expect(flat(problemsOf(() => parseConfig(text, 'x.yaml', {})))).toEqual([expected]);
  });

  it('does not echo the value of a sensitive field', () => {
    const err = problemsOf(() => parseConfig('elasticsearch:\n  password: 123456\n', 'x.yaml', {}));
    expect(err.problems[0].message).toBe('expected a string (quote it), got a number');
    const secret = problemsOf(() => parseConfig('playbooks:\n  secrets:\n    K: 987654\n', 'x.yaml', {}));
    expect(secret.problems[0].message).not.toContain('987654');
  });
});

describe('defaults', () => {
  it('an empty or comment-only file is all defaults', () => {
    expect(parseConfig('', 'x.yaml', {})).toEqual(defaultConfig());
    expect(parseConfig('# nothing here\n', 'x.yaml', {})).toEqual(defaultConfig());
  });

  it('defaultConfig() carries the documented defaults', () => {
    expect(defaultConfig()).toEqual({
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'vigil',
        topicPrefix: '',
        groupPrefix: 'vigil',
        partitions: 6,
        replicationFactor: 1,
        eventsRetentionHours: 168,
        compression: 'gzip',
        gzipLevel: 1,
        maxRecordBytes: 1_000_000,
        tls: { enabled: false, rejectUnauthorized: true },
        sasl: { oauth: { refreshBeforeExpirySeconds: 60 } },
      },
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'vigil', tls: { enabled: false } },
      elasticsearch: { node: 'http://127.0.0.1:9200', indexPrefix: 'vigil', tls: { rejectUnauthorized: true } },
      ops: { host: '127.0.0.1', port: 9464, health: { maxConsumerLag: 100000, lagIntervalMs: 15000, checkTimeoutMs: 2000 } },
      api: { enabled: false, host: '127.0.0.1', port: 8474, maxBodyBytes: 65536, tokens: [] },
      inputs: [],
      detections: {
        rules: ['rules/sigma'],
        pipeline: 'ecs',
        placeholders: {},
        placeholderFiles: {},
        includeDeprecated: false,
        correlation: { allowedLatenessSeconds: 60, maxKeysPerCorrelation: 1_000_000, idleAdvanceSeconds: 60 },
      },
      playbooks: { paths: ['rules/playbooks'], concurrency: 4, dispatchConcurrency: 32, secrets: {}, network: { allow: [] } },
      intel: { feeds: [], enrich: true, checkSeconds: 5, redisPrefix: 'vigil:intel:' },
      enrich: { geoip: { enabled: true, cacheSize: 100_000 } },
      sinks: [],
    });
  });

  it('defaultConfig() returns a fresh object each time', () => {
    const a = defaultConfig();
    a.kafka.brokers.push('x:1');
    expect(defaultConfig().kafka.brokers).toEqual(['127.0.0.1:9092']);
  });

  it('fills defaults inside inputs and sinks, and keeps what is given', () => {
    const config = loadConfig(fixture('valid-minimal.yaml'), {});
    expect(config.inputs).toEqual([
      {
        type: 'syslog',
        id: 'syslog',
        protocol: 'udp',
        host: '127.0.0.1',
        port: 5514,
        maxMessageBytes: 65536,
        timezone: 'UTC',
        keepOriginal: true,
        parseWorkers: 1,
        auth: 'none',
        maxConnections: 1024,
        maxConnectionsPerPeer: 64,
        idleTimeoutSeconds: 300,
      },
    ]);
    expect(config.sinks).toEqual([
      {
        type: 'elasticsearch',
        id: 'es',
        topics: ['events', 'alerts', 'incidents', 'actions', 'deadletter'],
        batchSize: 2000,
        maxRetries: 8,
      },
    ]);
    expect(config.kafka).toEqual(defaultConfig().kafka);
  });

  it('a field written without a value takes its default', () => {
    const config = parseConfig('kafka:\n  partitions:\n  clientId: ~\nops:\n', 'x.yaml', {});
    expect(config.kafka.partitions).toBe(6);
    expect(config.kafka.clientId).toBe('vigil');
    expect(config.ops).toEqual(defaultConfig().ops);
  });

  it('omits optional fields that are not given', () => {
    const config = parseConfig('elasticsearch:\n  username: elastic\n', 'x.yaml', {});
    expect(config.elasticsearch).toEqual({
      node: 'http://127.0.0.1:9200',
      username: 'elastic',
      indexPrefix: 'vigil',
      tls: { rejectUnauthorized: true },
    });
    expect('password' in config.elasticsearch).toBe(false);
  });

  it('follows YAML aliases', () => {
    const config = parseConfig('detections:\n  rules: &r [a, b]\nplaybooks:\n  paths: *r\n', 'x.yaml', {});
    expect(config.playbooks.paths).toEqual(['a', 'b']);
  });
});
