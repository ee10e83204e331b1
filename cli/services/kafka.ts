import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '../../core/bus/kafka-client.js';
import { defaultConfig } from '../config/schema.js';
import { VigilError } from '../../core/errors/index.js';
import { exec } from './exec.js';
import { ensureKafka, javaHome } from './install.js';
import { kafkaHome, servicePaths } from './paths.js';
import type { ServiceContext, ServiceDef } from './service.js';

export interface KafkaPropertiesInput {
  /** PLAINTEXT listener port on 127.0.0.1. */
  port: number;
  /** KRaft CONTROLLER listener port on 127.0.0.1. */
  controllerPort: number;
  /** Where partitions and the metadata log live. */
  dataDir: string;
}

/** Java properties escaping for values: a backslash would start an escape. */
const escapeValue = (v: string) => v.replace(/\\/g, '\\\\');

/**
 * server.properties for a KRaft single node acting as broker and controller, loopback only.
 * Replication factors are 1 because there is one broker; the group rebalance delay is 0 so
 * tests do not wait 3 s per new group; topics are created by Vigil, never on first use.
 */
export function renderKafkaProperties(p: KafkaPropertiesInput): string {
  const props: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@127.0.0.1:${p.controllerPort}`],
    ['listeners', `PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://127.0.0.1:${p.port}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', escapeValue(p.dataDir)],
    ['num.partitions', 1],
    ['offsets.topic.replication.factor', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', 'false'],
  ];
  return `# written by vigil up; rewritten on every start\n${props.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/**
 * A KRaft cluster id: 16 random bytes in unpadded base64url (22 chars), like Kafka's
 * `Uuid.randomUuid()`, which also avoids a leading '-' (it would read as a CLI flag).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** One describeCluster with no retries and kafkajs's own logging silenced (it is a poll). */
export async function kafkaAnswers(port: number): Promise<boolean> {
  // The broker `vigil up` runs is clear text on loopback; the one client factory still makes the client.
  const kafka = createKafka({ ...defaultConfig().kafka, brokers: [`127.0.0.1:${port}`], clientId: 'vigil-up' }, 'probe', {
    silent: true,
    connectionTimeoutMs: 1000,
    requestTimeoutMs: 2000,
    retries: 0,
    checkTransport: false,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function kafkaService(ctx: ServiceContext): ServiceDef {
  const paths = servicePaths(ctx.stateDir, 'kafka');
  const propsFile = join(paths.dir, 'server.properties');
  const dataDir = join(paths.dir, 'data');
  const clusterIdFile = join(paths.dir, 'cluster-id');
  const libs = join(kafkaHome(ctx.stateDir), 'libs');
  const { kafka: port, kafkaController: controllerPort } = ctx.ports;

  return {
    name: 'kafka',
    port,
    binds: [
      { port, role: 'Kafka PLAINTEXT listener' },
      { port: controllerPort, role: 'Kafka KRaft controller listener' },
    ],
    paths,
    readyTimeoutMs: ctx.readyTimeoutMs,
    stopTimeoutMs: 30_000,
    commands: ['java', 'mvn'],
    isOurs: (cmdline) => cmdline.includes('kafka.Kafka') && cmdline.includes(propsFile),
    async install() {
      await ensureKafka(ctx.stateDir, ctx.log);
    },
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(propsFile, renderKafkaProperties({ port, controllerPort, dataDir }));
      const java = join(javaHome(), 'bin', 'java');
      if (!existsSync(clusterIdFile)) writeFileSync(clusterIdFile, `${newClusterId()}\n`);
      const clusterId = readFileSync(clusterIdFile, 'utf8').trim();
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        ctx.log.info({ service: 'kafka', clusterId }, `kafka: formatting KRaft storage in ${dataDir}`);
        const res = await exec(java, [
          '-cp',
          `${libs}/*`,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          propsFile,
          '--ignore-formatted',
        ]);
        appendFileSync(paths.logFile, `\n=== vigil: kafka-storage format (exit ${res.code}) ===\n${res.output}`);
        if (res.code !== 0) {
          throw new VigilError(
            'SERVICE_START',
            `kafka: storage format failed (exit ${res.code}); see ${paths.logFile}:\n${res.output.slice(-2000)}`,
          );
        }
      }
      return {
        command: java,
        args: ['-Xms512m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', '-cp', `${libs}/*`, 'kafka.Kafka', propsFile],
        env: process.env,
        cwd: paths.dir,
        logFile: paths.logFile,
      };
    },
    probe: () => kafkaAnswers(port),
  };
}
