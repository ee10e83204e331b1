/**
 * The responder API as `vigil run` serves it, console included, on the real Kafka, Redis and
 * Elasticsearch: incidents and alerts seeded in indices of their own, status changes on a real
 * `vigil.incident-status`, the API's audit records on a real `vigil.actions`, runs on a real
 * responder (BullMQ on Redis). For the console's browser test, its bench and its screenshots.
 */
import { randomBytes } from 'node:crypto';
import { elasticsearchIncidents, sha256Hex, startApiServer, type RunningApi } from '../../api/index.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { Bus, type InRecord } from '../../core/bus/index.js';
import {
  changeAuditDocument,
  changeAuditRecord,
  ensureIncidentStatusTopic,
  publishStatusChanges,
} from '../../detections/incidents/index.js';
import { ecsMappings, esClient, indexDocuments } from '../../sinks/elasticsearch/index.js';
import { cleanupTest } from './cleanup.js';
import { testConfig } from './config.js';
import { harness, type Harness } from './playbooks.js';

export const ROLES = ['viewer', 'analyst', 'responder', 'admin'] as const;
export type TestRole = (typeof ROLES)[number];

export interface Seed {
  id: string;
  doc: Record<string, unknown>;
}

export interface ConsoleApi {
  api: RunningApi;
  /** `<api>/console/`. */
  consoleUrl: string;
  token: Record<TestRole, string>;
  h: Harness;
  bus: Bus;
  config: VigilConfig;
  statusTopic: string;
  actionsTopic: string;
  /** Reads `topic` from the beginning until `pick` finds what it looks for (30 s). */
  readUntil<T>(topic: string, pick: (records: InRecord[]) => T | undefined): Promise<T>;
  close(): Promise<void>;
}

export async function startConsoleApi(opts: {
  name: string;
  incidents: Seed[];
  alerts?: Seed[];
  playbooks?: Record<string, string>;
}): Promise<ConsoleApi> {
  const config = testConfig(opts.name);
  const bus = new Bus(config.kafka, `${opts.name}-test`);
  const closers: Array<() => Promise<unknown>> = [() => cleanupTest(config), () => bus.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    await bus.provision();
    const statusTopic = await ensureIncidentStatusTopic(config.kafka);
    const actionsTopic = `${config.kafka.topicPrefix}vigil.actions`;
    const prefix = config.elasticsearch.indexPrefix;
    const es = esClient(config.elasticsearch);
    closers.push(() => es.close());
    for (const kind of ['incidents', 'alerts']) {
      await es.indices.create({ index: `${prefix}-${kind}`, mappings: ecsMappings({ matchOnlyText: false, wildcard: false }) as never });
    }
    await indexDocuments(es, `${prefix}-incidents`, opts.incidents, 2000);
    if (opts.alerts?.length) await indexDocuments(es, `${prefix}-alerts`, opts.alerts, 2000);
    await es.indices.refresh({ index: `${prefix}-*` });

    const h = await harness({ playbooks: opts.playbooks ?? {} });
    closers.push(() => h.close());
    const publisher = await bus.producer();
    const token = Object.fromEntries(ROLES.map((r) => [r, `${r}-${randomBytes(16).toString('hex')}`])) as Record<TestRole, string>;
    const api = await startApiServer({
      config: {
        enabled: true,
        host: '127.0.0.1',
        port: 0,
        maxBodyBytes: 65536,
        tokens: ROLES.map((r) => ({ name: `${r}-bot`, role: r, sha256: sha256Hex(token[r]) })),
      },
      deps: {
        incidents: elasticsearchIncidents(es, prefix),
        publishStatus: (c) => publishStatusChanges(publisher, statusTopic, [c]),
        audit: (e) => publisher.send(actionsTopic, [changeAuditRecord(changeAuditDocument(e))]),
        runs: h.responder.control,
        playbooks: () => h.responder.playbooks,
      },
      log: { info: () => undefined, error: () => undefined, warn: () => undefined } as never,
    });
    closers.push(() => api.close());
    return {
      api,
      consoleUrl: `${api.url}/console/`,
      token,
      h,
      bus,
      config,
      statusTopic,
      actionsTopic,
      async readUntil(topic, pick) {
        let found: ReturnType<typeof pick>;
        await bus.read(topic, { until: (rs) => (found = pick(rs)) !== undefined, timeoutMs: 30_000 });
        if (found === undefined) throw new Error(`nothing on ${topic} matched`);
        return found;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
