import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../core/bus/index.js';
import type { OutRecord } from '../../core/bus/types.js';
import { runIdOf, startResponder } from '../../playbooks/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { startOwnServices } from '../support/own-services.js';
import { HIGH, incident, playbookDir } from '../support/playbooks.js';
import { monitorRedis } from '../support/redis-monitor.js';
import { waitFor } from '../support/wait.js';

/**
 * What a step costs the step worker on the way from its job to its `playbook.step.started`
 * record and on to the next step: Redis round trips on the run's hash and Kafka requests awaited
 * for the audit trail. The responder runs on a private Redis watched with MONITOR (a transaction,
 * MULTI … EXEC, is one round trip) and writes its audit to real Kafka through a publisher that
 * notes what each request held. A run of three chained no-op steps:
 *
 * - per step, 3 round trips: read the run; mark the call in flight (while its start is audited);
 *   settle its outcome, clearing the mark and reading the run back in the same transaction;
 * - per step, 2 audit requests: its start, its outcome; the last step's outcome travels with the
 *   run's end.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PLAYBOOK = [
  'id: chain',
  HIGH,
  'steps:',
  ...['a', 'b', 'c'].flatMap((ref, i) => [
    `  - ref: ${ref}`,
    ...(i > 0 ? [`    needs: [${['a', 'b'][i - 1]}]`] : []),
    '    action: transform',
    "    args: { input: '${{ $.incident }}', path: $.id }",
  ]),
  '',
].join('\n');

/**
 * The round trips of every client on `key`, in the order Redis ran them: each is the commands of
 * one request (one command, or the commands of one MULTI … EXEC) that touch `key`, written
 * `<command> <field>`, joined by ` + `.
 */
async function roundTrips(url: string, key: string): Promise<{ list: string[]; close(): void }> {
  const list: string[] = [];
  const open = new Map<string, string[]>();
  const monitor = await monitorRedis(url, (args, client) => {
    const [command = '', k, field] = args;
    const cmd = command.toLowerCase();
    const block = open.get(client);
    if (cmd === 'multi') {
      open.set(client, []);
    } else if (cmd === 'exec' && block) {
      open.delete(client);
      if (block.length > 0) list.push(block.join(' + '));
    } else if (k === key) {
      const fields = cmd === 'hdel' ? args.slice(2).join(' ') : ['hset', 'hsetnx', 'hget'].includes(cmd) ? (field ?? '') : '';
      const what = `${cmd} ${fields}`.trim();
      if (block) block.push(what);
      else list.push(what);
    }
  });
  return { list, close: () => monitor.close() };
}

describe('a step on the worker', () => {
  it('costs 3 Redis round trips on its run and 2 audit requests; the last outcome goes with the run end', async () => {
    const own = await startOwnServices(['redis']);
    cleanups.push(() => own.close());
    const config = testConfig('t-pbrt');
    cleanups.push(() => cleanupTest(config).catch(() => undefined));
    const bus = new Bus(config.kafka, 't-pbrt');
    cleanups.push(() => bus.close());
    await bus.provision();
    const producer = await bus.producer();

    const runId = runIdOf('chain', 'inc-rt');
    const requests: string[][] = [];
    const publisher = {
      send: async (topic: string, records: OutRecord[]) => {
        const actions = records.map((r) => {
          const doc = JSON.parse(String(r.value)) as { event: { action: string }; vigil: { playbook: { step?: string } } };
          return `${doc.event.action}${doc.vigil.playbook.step ? ` ${doc.vigil.playbook.step}` : ''}`;
        });
        await producer.send(topic, records);
        requests.push(actions);
      },
    };
    const seen = await roundTrips(own.redis!.address, `${config.redis.prefix}:playbook-run:${runId}`);
    cleanups.push(async () => seen.close());
    const responder = await startResponder({
      config: {
        redis: { url: own.redis!.address, prefix: config.redis.prefix },
        playbooks: { paths: [await playbookDir({ 'chain.yml': PLAYBOOK })], concurrency: 4, secrets: {} },
      },
      publisher,
      actionsTopic: bus.topics.actions,
    });
    cleanups.push(() => responder.close());
    expect(responder.problems).toEqual([]);

    await responder.dispatch(incident('inc-rt'));
    await waitFor('the run to end', async () => requests.flat().includes('playbook.run.ended'), 30_000, 20);
    await waitFor('the end to be marked', async () => seen.list.at(-1) === 'hset ended', 5_000, 20);

    const step = (ref: string) => [
      'hgetall',
      `hsetnx began:${ref} + hset inflight:${ref}`,
      `hsetnx step:${ref} + hdel inflight:${ref} + hgetall`,
    ];
    expect(seen.list).toEqual([
      // The dispatch: the run created and read back, its start marked announced.
      'hsetnx incident + hsetnx playbook + hsetnx meta + expire + hgetall',
      'hset announced',
      ...step('a'),
      ...step('b'),
      ...step('c'),
      'hsetnx end + hget end',
      'hset ended',
    ]);
    expect(requests).toEqual([
      ['playbook.run.started'],
      ['playbook.step.started a'],
      ['playbook.step.succeeded a'],
      ['playbook.step.started b'],
      ['playbook.step.succeeded b'],
      ['playbook.step.started c'],
      ['playbook.step.succeeded c', 'playbook.run.ended'],
    ]);
  }, 90_000);
});
