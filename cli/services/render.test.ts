import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors/index.js';
import { elasticsearchArgs } from './elasticsearch.js';
import { newClusterId, renderKafkaProperties } from './kafka.js';
import { parseOnly, parseServicesArgv, portsFromConfig, resolvePorts } from './options.js';
import { resolveStateDir } from './paths.js';
import { redisArgs } from './redis.js';
import { formatStatusTable } from './table.js';

function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

describe('Kafka server.properties', () => {
  const props = parseProperties(renderKafkaProperties({ port: 9092, controllerPort: 10092, dataDir: '/s/kafka/data' }));

  it('is a KRaft combined node on loopback with a static single voter', () => {
    expect(props).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:10092',
      listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:10092',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'controller.listener.names': 'CONTROLLER',
      'log.dirs': '/s/kafka/data',
    });
  });

  it('fits one broker and fast tests', () => {
    expect(props).toMatchObject({
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'group.initial.rebalance.delay.ms': '0',
      'auto.create.topics.enable': 'false',
    });
  });

  it('escapes backslashes in paths', () => {
    expect(renderKafkaProperties({ port: 1, controllerPort: 2, dataDir: 'a\\b' })).toContain('log.dirs=a\\\\b');
  });

  it('makes 22-char base64url cluster ids that never start with "-"', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});

describe('Redis and Elasticsearch arguments', () => {
  it('runs redis in the foreground on loopback with AOF and no RDB', () => {
    const args = redisArgs(6379, '/s/redis/data');
    const pairs = Object.fromEntries(Array.from({ length: args.length / 2 }, (_, i) => [args[2 * i], args[2 * i + 1]]));
    expect(pairs).toEqual({
      '--port': '6379',
      '--bind': '127.0.0.1',
      '--dir': '/s/redis/data',
      '--appendonly': 'yes',
      '--save': '',
      '--daemonize': 'no',
      '--logfile': '',
    });
  });

  it('gives Elasticsearch a single loopback node without security or disk watermarks', () => {
    const args = elasticsearchArgs({ port: 9200, transportPort: 9300, dataDir: '/d', logsDir: '/l' });
    expect(args).toEqual(
      expect.arrayContaining([
        '-Ediscovery.type=single-node',
        '-Enetwork.host=127.0.0.1',
        '-Ehttp.port=9200',
        '-Etransport.port=9300',
        '-Expack.security.enabled=false',
        '-Epath.data=/d',
        '-Epath.logs=/l',
        '-Ecluster.routing.allocation.disk.threshold_enabled=false',
      ]),
    );
    // settings of modules the integ-test-zip lacks (geoip) stop it at boot with "unknown setting"
    expect(args.some((a) => a.startsWith('-Eingest.geoip'))).toBe(false);
  });
});

describe('options', () => {
  it('defaults ports and derives the controller and transport ports', () => {
    expect(resolvePorts()).toEqual({ kafka: 9092, kafkaController: 10092, redis: 6379, elasticsearch: 9200, elasticsearchTransport: 9300 });
    expect(resolvePorts({ redis: 7000 }, { redis: 6380, kafka: 19092 })).toMatchObject({
      redis: 7000,
      kafka: 19092,
      kafkaController: 20092,
    });
  });

  it('rejects out-of-range and clashing ports', () => {
    expect(() => resolvePorts({ kafka: 65000 })).toThrow(/outside 1..65535/);
    expect(() => resolvePorts({ redis: 9092 })).toThrow(/both 9092/);
  });

  it('reads the three addresses from a vigil.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-opts-'));
    try {
      const file = join(dir, 'vigil.yaml');
      writeFileSync(
        file,
        'kafka:\n  brokers: ["127.0.0.1:29092", "x:1"]\nredis:\n  url: redis://127.0.0.1:26379/0\nelasticsearch:\n  node: http://127.0.0.1:29200\n',
      );
      expect(portsFromConfig(file)).toEqual({ kafka: 29092, redis: 26379, elasticsearch: 29200 });
      writeFileSync(file, 'redis: {url: "redis://localhost"}\n');
      expect(portsFromConfig(file)).toEqual({});
      writeFileSync(file, 'kafka: [\n');
      expect(() => portsFromConfig(file)).toThrow(expect.objectContaining({ code: 'CONFIG_YAML' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses --only, --state-dir and --config, and refuses the rest', () => {
    expect(parseOnly('redis,kafka,redis')).toEqual(['kafka', 'redis']);
    expect(parseOnly(undefined)).toEqual(['kafka', 'redis', 'elasticsearch']);
    expect(parseServicesArgv(['--state-dir', '/x', '--only', 'elasticsearch'])).toEqual({
      stateDir: '/x',
      configFile: undefined,
      only: ['elasticsearch'],
    });
    for (const argv of [['--only', 'zookeeper'], ['--bogus'], ['positional']]) {
      let err: unknown;
      try {
        parseServicesArgv(argv);
      } catch (e) {
        err = e;
      }
      expect(isVigilError(err, 'CLI_USAGE')).toBe(true);
    }
  });

  it('takes the state dir from the flag, then VIGIL_STATE_DIR, then .vigil in the cwd', () => {
    expect(resolveStateDir('/a', { VIGIL_STATE_DIR: '/b' }, '/c')).toBe('/a');
    expect(resolveStateDir(undefined, { VIGIL_STATE_DIR: '/b' }, '/c')).toBe('/b');
    expect(resolveStateDir(undefined, {}, '/c')).toBe('/c/.vigil');
  });
});

describe('status table', () => {
  it('aligns columns and lists notes under the table', () => {
    const text = formatStatusTable([
      { service: 'kafka', port: 9092, pid: 42, health: 'up', logFile: '/s/kafka/kafka.log' },
      { service: 'elasticsearch', port: 9200, pid: undefined, health: 'foreign', logFile: '/s/es.log', note: 'port held by pid 7 (x)' },
    ]);
    expect(text.split('\n')).toEqual([
      'SERVICE        PORT  PID  HEALTH   LOG',
      'kafka          9092  42   up       /s/kafka/kafka.log',
      'elasticsearch  9200  -    foreign  /s/es.log',
      '  elasticsearch: port held by pid 7 (x)',
    ]);
  });
});
