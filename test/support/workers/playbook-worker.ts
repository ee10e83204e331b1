/**
 * The program of a playbook worker process (started by test/support/playbook-worker.ts): a
 * responder (step worker, sweeper) on real Redis, configured from the environment, that appends
 * every audit record to a file (synchronously, so that a SIGKILL loses none that were written),
 * dispatches its incidents at start, then writes "ready" to stdout.
 *
 *   VIGIL_TEST_REDIS, VIGIL_TEST_PREFIX, VIGIL_TEST_PLAYBOOKS (a folder), VIGIL_TEST_SECRETS (JSON),
 *   VIGIL_TEST_AUDIT (a file), VIGIL_TEST_INCIDENT (a JSON incident record, or an array of them),
 *   VIGIL_TEST_LOCK_MS, VIGIL_TEST_CONCURRENCY (default 4),
 *   VIGIL_TEST_ALLOW (playbooks.network.allow, comma-separated; default 127.0.0.1, where the stand-ins listen)
 */
import { appendFileSync } from 'node:fs';
import { startResponder } from '../../../playbooks/index.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};

const auditFile = env('VIGIL_TEST_AUDIT');
const responder = await startResponder({
  config: {
    redis: { url: env('VIGIL_TEST_REDIS'), prefix: env('VIGIL_TEST_PREFIX') },
    playbooks: {
      paths: [env('VIGIL_TEST_PLAYBOOKS')],
      concurrency: Number(process.env.VIGIL_TEST_CONCURRENCY ?? 4),
      secrets: JSON.parse(env('VIGIL_TEST_SECRETS')) as Record<string, string>,
      network: { allow: (process.env.VIGIL_TEST_ALLOW ?? '127.0.0.1').split(',').filter(Boolean) },
    },
  },
  publisher: {
    send: async (_topic, records) => {
      for (const r of records) appendFileSync(auditFile, `${String(r.value)}\n`);
    },
  },
  actionsTopic: 'vigil.actions',
  lockMs: Number(env('VIGIL_TEST_LOCK_MS')),
  sweepMs: 200,
});
if (responder.problems.length > 0) throw new Error(responder.problems.map((p) => p.describe()).join('\n'));
const incidents = JSON.parse(env('VIGIL_TEST_INCIDENT')) as unknown;
for (const incident of Array.isArray(incidents) ? incidents : [incidents]) await responder.dispatch(incident);
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void responder.close().then(() => process.exit(0));
});
