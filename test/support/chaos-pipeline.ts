/**
 * The pipeline under fault: each stage (`ingest`, `detect` — correlation and incidents run in
 * it —, `respond`, `sink`) as its own `vigil run --stage <stage>` child process, as an operator
 * runs them, so that a stage can be SIGKILLed and restarted while the others carry on. Inputs:
 * RELP (acknowledges only what Kafka holds) and plain TCP syslog (acknowledges nothing), and on
 * request Splunk HEC with indexer acknowledgement (an ackId turns true once Kafka holds the
 * request's events), on fixed loopback ports so that senders reconnect to the restarted stage.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { VigilConfig } from '../../cli/config/schema.js';
import { canConnect, exitOf, freePort, spawnVigil } from './child.js';
import { cleanupTest } from './cleanup.js';
import { LOCAL_SYSLOG } from '../../cli/local-config.js';
import { testConfig } from './config.js';
import { waitFor } from './wait.js';

export type ChaosStage = 'ingest' | 'detect' | 'respond' | 'sink';

export interface ChaosPipelineOptions {
  /** Names the topics, groups and indices (made unique). */
  name: string;
  /** Services of the test's own, in place of the shared ones. */
  kafkaBrokers?: string[];
  redisUrl?: string;
  elasticsearchNode?: string;
  /** The Elasticsearch the sink writes to (e.g. a slow proxy); default `elasticsearchNode`. */
  sinkNode?: string;
  /** Run the shipped playbooks with this SOC webhook; default no playbooks. */
  socWebhookUrl?: string;
  /** Replication of the topics the stages create (a cluster of the test's own); default the test config's. */
  replication?: { factor: number; minInsync: number };
  /** Also a Splunk HEC input, its token with indexer acknowledgement (`hec`, `ports.hec`). */
  hec?: boolean;
}

const instanceName = (stage: ChaosStage, instance: number) => (instance === 1 ? stage : `${stage}-${instance}`);

export class ChaosPipeline {
  readonly config: VigilConfig;
  readonly dir: string;
  readonly ports: { relp: number; tcp: number; hec: number };
  /** The HEC input's URL and token, when the pipeline has one. */
  readonly hec: { url: string; token: string } | undefined;
  /** Keyed by `stage` for its first instance, `stage-<n>` for the others (`instance`). */
  private readonly children = new Map<string, ChildProcess>();
  private readonly files = new Map<string, { config: string; log: string; ops: number }>();

  private constructor(opts: ChaosPipelineOptions, ports: { relp: number; tcp: number; hec: number }) {
    this.ports = ports;
    this.dir = mkdtempSync(join(tmpdir(), `vigil-chaos-${opts.name}-`));
    const c = testConfig(`chaos-${opts.name}`, opts.socWebhookUrl ? { SOC_WEBHOOK_URL: opts.socWebhookUrl } : {});
    if (opts.kafkaBrokers) c.kafka = { ...c.kafka, brokers: opts.kafkaBrokers };
    if (opts.replication)
      c.kafka = { ...c.kafka, replicationFactor: opts.replication.factor, minInsyncReplicas: opts.replication.minInsync };
    if (opts.redisUrl) c.redis = { ...c.redis, url: opts.redisUrl };
    if (opts.elasticsearchNode) c.elasticsearch = { ...c.elasticsearch, node: opts.elasticsearchNode };
    // Inputs as a user writes them in vigil.yaml: the loader of each stage applies the defaults.
    c.inputs = [
      { type: 'relp', id: 'relp-in', host: '127.0.0.1', port: ports.relp, auth: 'none' },
      { ...LOCAL_SYSLOG, id: 'tcp-in', protocol: 'tcp', port: ports.tcp },
    ] as unknown as VigilConfig['inputs'];
    this.hec = opts.hec ? { url: `http://127.0.0.1:${ports.hec}`, token: randomUUID() } : undefined;
    if (this.hec) {
      const hec = { type: 'splunk-hec', id: 'hec-in', host: '127.0.0.1', port: ports.hec, tokens: [{ token: this.hec.token, ack: true }] };
      c.inputs.push(hec as unknown as VigilConfig['inputs'][number]);
    }
    c.playbooks = { ...c.playbooks, paths: opts.socWebhookUrl ? ['rules/playbooks'] : [] };
    this.config = c;
    this.sinkNode = opts.sinkNode;
  }

  private readonly sinkNode: string | undefined;

  static async create(opts: ChaosPipelineOptions): Promise<ChaosPipeline> {
    return new ChaosPipeline(opts, { relp: await freePort(), tcp: await freePort(), hec: await freePort() });
  }

  /** One config file per stage instance: each has its own ops port, the sink may have its own Elasticsearch. */
  private async filesOf(stage: ChaosStage, instance: number): Promise<{ config: string; log: string; ops: number }> {
    const name = instanceName(stage, instance);
    const known = this.files.get(name);
    if (known) return known;
    const ops = await freePort();
    const c: VigilConfig = { ...this.config, ops: { ...this.config.ops, port: ops } };
    if (stage === 'sink' && this.sinkNode) c.elasticsearch = { ...c.elasticsearch, node: this.sinkNode };
    const file = { config: join(this.dir, `${name}.yaml`), log: join(this.dir, `${name}.log`), ops };
    writeFileSync(file.config, stringify(c));
    this.files.set(name, file);
    return file;
  }

  /**
   * Starts a stage and waits until it answers /health/live (ingest: until its inputs listen).
   * `instance` > 1 starts another process of the stage beside the first (consumer stages only:
   * ingest listens on fixed ports).
   */
  async start(stage: ChaosStage, instance = 1): Promise<void> {
    const f = await this.filesOf(stage, instance);
    const child = await spawnVigil(['run', '--config', f.config, '--stage', stage], f.log);
    this.children.set(instanceName(stage, instance), child);
    const exited = exitOf(child).then((code) => {
      throw new Error(`vigil run --stage ${stage} exited with ${code} while starting:\n${this.logTail(stage, 3000, instance)}`);
    });
    exited.catch(() => undefined);
    const up = waitFor(
      `vigil run --stage ${stage} to be up (log: ${f.log})`,
      async () => {
        if (stage === 'ingest')
          return (
            (await canConnect(this.ports.relp)) && (await canConnect(this.ports.tcp)) && (!this.hec || (await canConnect(this.ports.hec)))
          );
        const res = await fetch(`http://127.0.0.1:${f.ops}/health/live`).catch(() => undefined);
        return res?.ok === true;
      },
      120_000,
      100,
    );
    await Promise.race([up, exited]);
  }

  /** Downstream first, as `vigil run` starts them, so that nothing waits on a missing consumer. */
  async startAll(stages: readonly ChaosStage[] = ['sink', 'respond', 'detect', 'ingest']): Promise<void> {
    for (const s of stages) await this.start(s);
  }

  /** Sends `signal` to a stage's process and waits for it to exit. */
  async kill(stage: ChaosStage, signal: NodeJS.Signals = 'SIGKILL', instance = 1): Promise<void> {
    const child = this.children.get(instanceName(stage, instance));
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exitOf(child);
  }

  /** Whether `/health/ready` of a stage answers 200 (Kafka, Redis, Elasticsearch reachable, consumers running). */
  async ready(stage: ChaosStage, instance = 1): Promise<boolean> {
    const f = this.files.get(instanceName(stage, instance));
    if (!f) return false;
    const res = await fetch(`http://127.0.0.1:${f.ops}/health/ready`).catch(() => undefined);
    return res?.ok === true;
  }

  logTail(stage: ChaosStage, chars = 3000, instance = 1): string {
    const f = this.files.get(instanceName(stage, instance));
    try {
      return f ? readFileSync(f.log, 'utf8').slice(-chars) : '';
    } catch {
      return '';
    }
  }

  /** SIGTERM to every stage (a clean drain), then the topics and indices go. */
  async close(opts: { keepLogs?: boolean } = {}): Promise<void> {
    const stages = [...this.children.keys()].reverse();
    for (const s of stages) {
      const child = this.children.get(s)!;
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exitOf(child);
      clearTimeout(timer);
    }
    await cleanupTest(this.config).catch(() => undefined);
    if (!opts.keepLogs) rmSync(this.dir, { recursive: true, force: true });
  }
}
