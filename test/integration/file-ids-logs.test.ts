/**
 * Suricata EVE and Zeek JSON lines through the real ingest path: a file input reads eve.json and
 * conn.log lines, and the events on REAL Kafka's `vigil.events` are ECS as Elastic's integrations
 * write it; a truncated line is a dead letter with its bytes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../core/event/index.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { startStages } from '../../cli/stages.js';
import { withFileDefaults } from '../../ingest/inputs/file/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

let dir: string;
let config: VigilConfig | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-ids-'));
});

afterAll(async () => {
  if (config) await cleanupTest(config);
  await rm(dir, { recursive: true, force: true });
});

/** The first case of a conformance file: a line written from the vendor's documented format. */
async function sample(vendor: string, file: string): Promise<string> {
  const text = await readFile(fileURLToPath(new URL(`../fixtures/normalize/conformance/${vendor}/${file}`, import.meta.url)), 'utf8');
  return JSON.stringify((JSON.parse(text.split('\n')[0] as string) as { input: unknown }).input);
}

describe('Suricata and Zeek lines through a file input to Kafka', () => {
  it('publishes ECS events and dead-letters a truncated line', async () => {
    const eve = await sample('suricata', 'eve.jsonl');
    const conn = await sample('zeek', 'logs.jsonl');
    const truncated = eve.slice(0, 120);
    const logs = join(dir, 'logs');
    await mkdir(logs);
    await writeFile(join(logs, 'sensor.json'), `${[eve, conn, truncated].join('\n')}\n`);
    config = testConfig('file-ids');
    config.sinks = [];
    config.inputs = [
      withFileDefaults({ id: 'ids-files', paths: [logs], mode: 'read', format: 'json', stateFile: join(dir, 'state.json') }),
    ];
    const p = await startStages(config, ['ingest']);
    try {
      await waitFor(
        '2 events and 1 dead letter',
        async () => (await p.bus.countRecords(p.bus.topics.events)) >= 2 && (await p.bus.countRecords(p.bus.topics.deadletter)) >= 1,
        30_000,
      );
      const events = (await p.bus.read(p.bus.topics.events, { until: (r) => r.length >= 2, timeoutMs: 30_000 })).map(
        (r) => JSON.parse(r.value.toString('utf8')) as EcsEvent,
      );
      const byDataset = new Map(events.map((e) => [e.event?.dataset, e]));
      expect(byDataset.get('suricata.eve')).toMatchObject({
        event: {
          kind: 'alert',
          category: ['network', 'intrusion_detection'],
          type: ['allowed'],
          severity: 2,
          module: 'suricata',
          original: eve,
        },
        rule: { id: '2024897', category: 'Potentially Bad Traffic' },
        source: { ip: '10.0.0.15', port: 49832 },
        network: { transport: 'tcp', protocol: 'http' },
      });
      expect(byDataset.get('zeek.connection')).toMatchObject({
        event: { kind: 'event', category: ['network'], type: ['connection', 'start', 'end'], id: 'CHhAvVGS1DHFjwGM9' },
        network: { community_id: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=', direction: 'outbound' },
      });
      const [letter] = await p.bus.read(p.bus.topics.deadletter, { until: (r) => r.length >= 1, timeoutMs: 30_000 });
      const dead = JSON.parse(letter!.value.toString('utf8')) as { code: string; raw: { data: string } };
      expect(dead).toMatchObject({ code: 'PARSE_RECORD_JSON', raw: { data: truncated } });
    } finally {
      await p.close();
    }
  });
});
