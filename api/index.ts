/**
 * The responder API: incidents (read from Elasticsearch, changed through the incident builder
 * via `vigil.incident-status`: status, assignee, notes, severity, merges) and playbook runs (through RunControl on Redis), behind bearer
 * tokens with roles, every change audited on `vigil.actions`.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Publisher } from '../core/bus/index.js';
import type { ApiConfig, PlaybooksConfig, RedisConfig } from '../core/config/types.js';
import { logger } from '../core/telemetry/index.js';
import { changeAuditDocument, changeAuditRecord, publishIncidentChanges } from '../detections/incidents/index.js';
import { RunControl, loadPlaybooks, type Playbook } from '../playbooks/index.js';
import { EdlStore } from '../playbooks/actions/edl/store.js';
import { RunStore, StepQueue, createRedisClient, redisConnection } from '../playbooks/queue/index.js';
import { elasticsearchIncidents } from './incidents.js';
import { startApiServer, type RunningApi } from './server.js';

export { startApiServer, type RunningApi, type ApiServerOptions } from './server.js';
export { ROUTES, runTimeline, type ApiDeps, type Route } from './routes.js';
export { openApiDocument } from './openapi.js';
export { sha256Hex, TokenTable, allows, type Caller, type Role } from './auth.js';
export { changeAuditDocument, type ChangeAuditDocument, type ChangeAuditEntry } from '../detections/incidents/index.js';
export { elasticsearchIncidents, incidentQuery, type IncidentReader, type IncidentFilter } from './incidents.js';

export interface StartApiOptions {
  api: ApiConfig;
  redis: RedisConfig;
  playbooks: PlaybooksConfig;
  es: Client;
  /** `<indexPrefix>-incidents` and `-alerts` are read. */
  indexPrefix: string;
  publisher: Publisher;
  /** `vigil.incident-status`, provisioned. */
  statusTopic: string;
  /** `vigil.actions`. */
  actionsTopic: string;
  version?: string;
}

/** Starts the API with its own Redis connection and the playbooks as loaded now (valid ones only). */
export async function startApi(o: StartApiOptions): Promise<RunningApi> {
  const log = logger('api');
  const { playbooks, problems } = await loadPlaybooks(o.playbooks.paths);
  if (problems.length > 0) log.warn({ invalid: problems.length }, 'invalid playbooks are not offered by the API');
  const client = createRedisClient(redisConnection(o.redis), 'vigil-api');
  const queue = new StepQueue(client, o.redis.prefix);
  const loaded: readonly Playbook[] = playbooks;
  try {
    const server = await startApiServer({
      config: o.api,
      ...(o.version ? { version: o.version } : {}),
      deps: {
        incidents: elasticsearchIncidents(o.es, o.indexPrefix),
        publishStatus: (change) => publishIncidentChanges(o.publisher, o.statusTopic, [change]),
        audit: (entry) => o.publisher.send(o.actionsTopic, [changeAuditRecord(changeAuditDocument(entry))]),
        runs: new RunControl(new RunStore(client, o.redis.prefix), queue),
        playbooks: () => loaded,
        edl: new EdlStore(client, o.redis.prefix),
      },
    });
    return {
      ...server,
      close: async () => {
        await server.close();
        await queue.close();
        await client.quit();
      },
    };
  } catch (err) {
    await queue.close();
    await client.quit();
    throw err;
  }
}
