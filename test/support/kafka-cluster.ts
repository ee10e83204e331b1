/**
 * A private 3-node Kafka cluster for fault tests: the version `vigil up` installs (same install
 * function), KRaft with combined nodes (`process.roles=broker,controller`, each a voter of the
 * one controller quorum, as Kafka documents for small clusters), one cluster id formatted on
 * all three, free loopback ports and a data dir per node under the OS temp dir. Internal topics
 * (offsets, transactions) are replicated three times with two in sync, so consumer groups and
 * transactions survive the loss of one node; Vigil's own topics get their replication from the
 * Vigil config (`kafka.replicationFactor`, `kafka.minInsyncReplicas`).
 *
 * A harness rather than `vigil up --brokers 3`: the service lifecycle of `vigil up` manages one
 * process per service (one pid file, one port in the status table), and a cluster is only
 * needed by the tests that kill its nodes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { exec } from '../../cli/services/exec.js';
import { ensureKafka, javaHome } from '../../cli/services/install.js';
import { newClusterId } from '../../cli/services/kafka.js';
import { resolveStateDir, repoRoot } from '../../cli/services/paths.js';
import { logger } from '../../core/telemetry/index.js';
import { freePort } from './child.js';
import { waitFor } from './wait.js';

export interface ClusterNode {
  id: number;
  /** `127.0.0.1:<port>` of its PLAINTEXT listener. */
  address: string;
  logFile: string;
}

export interface KafkaCluster {
  /** Bootstrap addresses of the three nodes. */
  brokers: string[];
  nodes: ClusterNode[];
  dir: string;
  /** SIGKILL of one node (no clean shutdown: its log is recovered on restart). */
  kill(id: number): Promise<void>;
  /** Starts a killed node again on its data and waits until it serves; returns the ms that took. */
  start(id: number): Promise<number>;
  /** Whether the node's process is alive. */
  running(id: number): boolean;
  /** Names of the topics that start with `prefix`. */
  listTopics(prefix: string): Promise<string[]>;
  /** The node that leads the most partitions of `topics`, and how many each node leads. */
  busiestLeader(topics: string[]): Promise<{ id: number; leads: Record<number, number> }>;
  /** Until every partition of `topics` has all three replicas in sync again (after a restart). */
  waitInSync(topics: string[], timeoutMs: number): Promise<void>;
  /** The topic's `min.insync.replicas` and its replication factor, as the cluster reports them. */
  describeTopic(topic: string): Promise<{ replicationFactor: number; minInsyncReplicas: string | undefined }>;
  /** Stops every node and deletes the data. */
  close(): Promise<void>;
}

const SIZE = 3;

function properties(o: { id: number; port: number; voters: string; controllerPort: number; dataDir: string }): string {
  const props: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', o.id],
    ['controller.quorum.voters', o.voters],
    ['listeners', `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://127.0.0.1:${o.port}`],
    ['listener.security.protocol.map', 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['log.dirs', o.dataDir],
    ['num.partitions', 1],
    ['default.replication.factor', SIZE],
    ['offsets.topic.replication.factor', SIZE],
    ['offsets.topic.num.partitions', 6],
    ['transaction.state.log.replication.factor', SIZE],
    ['transaction.state.log.min.isr', 2],
    ['transaction.state.log.num.partitions', 6],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', 'false'],
    // A restarted node takes its partitions' leadership back, so the cluster ends balanced.
    ['auto.leader.rebalance.enable', 'true'],
    ['leader.imbalance.check.interval.seconds', 10],
  ];
  return `${props.map(([k, v]) => `${k}=${String(v).replace(/\\/g, '\\\\')}`).join('\n')}\n`;
}

/** Starts three combined nodes and waits until all three are brokers of one cluster. */
export async function startKafkaCluster(): Promise<KafkaCluster> {
  const log = logger('kafka-cluster-test');
  const libs = await ensureKafka(resolveStateDir(undefined, process.env, repoRoot()), log);
  const java = join(javaHome(), 'bin', 'java');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-kafka-cluster-'));
  const clusterId = newClusterId();
  const ids = Array.from({ length: SIZE }, (_, i) => i + 1);
  const ports = new Map<number, { port: number; controller: number }>();
  for (const id of ids) ports.set(id, { port: await freePort(), controller: await freePort() });
  const voters = ids.map((id) => `${id}@127.0.0.1:${ports.get(id)!.controller}`).join(',');
  const nodes: ClusterNode[] = ids.map((id) => ({
    id,
    address: `127.0.0.1:${ports.get(id)!.port}`,
    logFile: join(dir, `node-${id}`, 'kafka.log'),
  }));
  const brokers = nodes.map((n) => n.address);
  const children = new Map<number, ChildProcess>();
  const propsFile = (id: number) => join(dir, `node-${id}`, 'server.properties');

  const alive = (id: number) => {
    const c = children.get(id);
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  };
  const stopNode = async (id: number, signal: NodeJS.Signals) => {
    const c = children.get(id);
    if (!c || !alive(id)) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };

  const admin = () =>
    new kafkajs.Kafka({ clientId: 'kafka-cluster-test', brokers, logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 3 } }).admin();
  const withAdmin = async <T>(fn: (a: kafkajs.Admin) => Promise<T>): Promise<T> => {
    const a = admin();
    await a.connect();
    try {
      return await fn(a);
    } finally {
      await a.disconnect().catch(() => undefined);
    }
  };

  /** Spawns a node; resolves once its log says it started (a restart replays its log first). */
  const launch = async (id: number): Promise<void> => {
    const node = nodes[id - 1]!;
    const before = (() => {
      try {
        return readFileSync(node.logFile, 'utf8').length;
      } catch {
        return 0;
      }
    })();
    const out = createWriteStream(node.logFile, { flags: 'a' });
    const child = spawn(
      java,
      ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', '-cp', `${libs}/*`, 'kafka.Kafka', propsFile(id)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    children.set(id, child);
    await waitFor(
      `Kafka node ${id} to start (log: ${node.logFile})`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`node ${id} exited with ${child.exitCode}:\n${readFileSync(node.logFile, 'utf8').slice(-3000)}`);
        return readFileSync(node.logFile, 'utf8').slice(before).includes('Kafka Server started');
      },
      180_000,
      250,
    );
  };

  const cluster: KafkaCluster = {
    brokers,
    nodes,
    dir,
    async kill(id) {
      await stopNode(id, 'SIGKILL');
    },
    async start(id) {
      const t = Date.now();
      await launch(id);
      await waitFor(
        `Kafka node ${id} to rejoin the cluster`,
        () => withAdmin(async (a) => (await a.describeCluster()).brokers.some((b) => b.nodeId === id)).catch(() => false),
        120_000,
        250,
      );
      return Date.now() - t;
    },
    running: alive,
    async listTopics(prefix) {
      return (await withAdmin((a) => a.listTopics())).filter((t) => t.startsWith(prefix)).sort();
    },
    async busiestLeader(topics) {
      const leads: Record<number, number> = Object.fromEntries(ids.map((id) => [id, 0]));
      const meta = await withAdmin((a) => a.fetchTopicMetadata({ topics }));
      for (const t of meta.topics) for (const p of t.partitions) leads[p.leader] = (leads[p.leader] ?? 0) + 1;
      const id = ids.reduce((best, n) => ((leads[n] ?? 0) > (leads[best] ?? 0) ? n : best), ids[0]!);
      return { id, leads };
    },
    async waitInSync(topics, timeoutMs) {
      await waitFor(
        `every partition of ${topics.join(', ')} to have ${SIZE} replicas in sync`,
        () =>
          withAdmin(async (a) =>
            (await a.fetchTopicMetadata({ topics })).topics.every((t) => t.partitions.every((p) => p.isr.length === SIZE)),
          ).catch(() => false),
        timeoutMs,
        1000,
      );
    },
    async describeTopic(topic) {
      // A topic created a moment ago may not be in every node's metadata yet (UNKNOWN_TOPIC_OR_PARTITION).
      return waitFor(
        `the metadata of ${topic}`,
        () =>
          withAdmin(async (a) => {
            const meta = await a.fetchTopicMetadata({ topics: [topic] });
            const { resources } = await a.describeConfigs({
              includeSynonyms: false,
              resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
            });
            return {
              replicationFactor: meta.topics[0]?.partitions[0]?.replicas.length ?? 0,
              minInsyncReplicas: resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue,
            };
          }),
        30_000,
        500,
      );
    },
    async close() {
      await Promise.allSettled(ids.map((id) => stopNode(id, 'SIGTERM')));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    for (const id of ids) {
      const dataDir = join(dir, `node-${id}`, 'data');
      mkdirSync(dataDir, { recursive: true });
      const p = ports.get(id)!;
      writeFileSync(propsFile(id), properties({ id, port: p.port, controllerPort: p.controller, voters, dataDir }));
      const format = await exec(java, ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile(id)]);
      if (format.code !== 0) throw new Error(`kafka-storage format of node ${id} failed:\n${format.output}`);
    }
    // A node waits for a quorum of voters before it serves: start all three together.
    await Promise.all(ids.map((id) => launch(id)));
    await waitFor(
      'all three Kafka nodes to be brokers of the cluster',
      () => withAdmin(async (a) => (await a.describeCluster()).brokers.length === SIZE).catch(() => false),
      120_000,
      500,
    );
    return cluster;
  } catch (err) {
    await cluster.close();
    throw err;
  }
}
