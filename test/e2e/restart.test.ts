import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import { openTcp } from '../../ingest/inputs/syslog/sender.js';
import { esClient } from '../../sinks/elasticsearch/index.js';
import { exitOf, freePort, spawnVigil } from '../support/child.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

const TOTAL = 3000;
const line = (seq: number) => `<30>Nov 21 08:00:00 restart-host app[7]: restart test line #${seq}#`;
const seqOf = (text: string) => Number(/#(\d+)#/.exec(text)?.[1] ?? NaN);

/** Sends lines paced over TCP until done or the connection breaks; returns how many it wrote. */
async function sendPaced(port: number, seqs: number[], perMs: number): Promise<number> {
  const client = await openTcp('127.0.0.1', port, 'lf');
  let written = 0;
  try {
    for (const seq of seqs) {
      await client.write(line(seq));
      written++;
      if (written % perMs === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await client.end();
  } catch {
    // the pipeline went away mid-stream: the caller finds out from Kafka what arrived
  }
  return written;
}

describe('restart mid-stream (real vigil process, SIGTERM)', () => {
  const config = testConfig('restart');
  let es: Client | undefined;
  afterAll(async () => {
    await es?.close();
    await cleanupTest(config);
  });

  it('delivers every event to Elasticsearch exactly once (by _id) across a SIGTERM and a restart', async () => {
    const port = await freePort();
    config.inputs = config.inputs.flatMap((i) => (i.type === 'syslog' && i.protocol === 'tcp' ? [{ ...i, port }] : []));
    config.playbooks.paths = [];
    const dir = mkdtempSync(join(tmpdir(), 'vigil-restart-'));
    const file = join(dir, 'vigil.yaml');
    writeFileSync(file, stringify(config));
    const log = join(dir, 'vigil.log');
    const args = ['run', '--config', file, '--stage', 'ingest,detect,sink'];

    const first = await spawnVigil(args, log, port);
    const sending = sendPaced(
      port,
      Array.from({ length: TOTAL }, (_, i) => i),
      1,
    );
    es = esClient(config.elasticsearch);
    const index = `${config.elasticsearch.indexPrefix}-events`;
    // Stop it while events are still flowing: as soon as Kafka holds a few (waiting for ES
    // instead lets a slow machine ingest the whole stream before the signal).
    const probe = new Bus(config.kafka, 'restart-probe');
    await waitFor('the first events in Kafka', async () => (await probe.countRecords(probe.topics.events)) > 100, 60_000, 25);
    await probe.close();
    first.kill('SIGTERM');
    expect(await exitOf(first)).toBe(0);
    const written = await sending;
    expect(written).toBeGreaterThan(0);

    // Whatever Kafka did not get (the connection broke mid-stream) is sent again after the restart.
    const bus = new Bus(config.kafka, 'restart-test');
    const inKafka = new Set(
      (await bus.read(bus.topics.events, { idleMs: 3000, timeoutMs: 30_000 })).map((r) => seqOf(r.value.toString('utf8'))),
    );
    const missing = Array.from({ length: TOTAL }, (_, i) => i).filter((s) => !inKafka.has(s));
    expect(missing.length).toBeGreaterThan(0);

    const second = await spawnVigil(args, log, port);
    // Resend a few that did arrive too: a sender's retransmission must not duplicate documents.
    await sendPaced(port, [...missing, ...[...inKafka].slice(0, 100)], 50);
    await waitFor(
      `${TOTAL} events in ES`,
      async () => {
        await es!.indices.refresh({ index });
        return (await es!.count({ index })).count >= TOTAL;
      },
      90_000,
      500,
    );
    second.kill('SIGTERM');
    expect(await exitOf(second)).toBe(0);

    await es.indices.refresh({ index });
    expect((await es.count({ index })).count).toBe(TOTAL);
    const hits = await es.search<{ message: string; vigil: { id: string } }>({
      index,
      size: TOTAL + 100,
      _source: ['message', 'vigil.id'],
    });
    const seqs = hits.hits.hits.map((h) => seqOf(h._source!.message));
    expect(new Set(seqs).size).toBe(TOTAL);
    for (const h of hits.hits.hits) expect(h._id).toBe(h._source!.vigil.id);
  });
});
