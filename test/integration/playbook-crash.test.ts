import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runIdOf, type AuditDocument } from '../../playbooks/index.js';
import { exitOf } from '../support/child.js';
import { SERVICES } from '../support/config.js';
import { HIGH, dropPrefix, incident, playbookDir, startHook, type Hook } from '../support/playbooks.js';
import { waitFor } from '../support/wait.js';

/**
 * A worker process is SIGKILLed in the middle of a step (its HTTP call is in flight: the target
 * holds the first request open). A second worker takes the job over once the first one's lock
 * expires. The target dedups by the Idempotency-Key header, as a vendor API that honours it
 * does, and counts side effects: each must happen exactly once.
 */

const LOCK_MS = 1000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A payment-like target: a held first call, then answers; one side effect per Idempotency-Key. */
async function target(): Promise<Hook & { effects: Map<string, string> }> {
  const effects = new Map<string, string>();
  const hook = await startHook((call, nth) => {
    const key = String(call.headers['idempotency-key'] ?? `none-${nth}`);
    if (!effects.has(key) && call.path.startsWith('/charge')) effects.set(key, call.path);
    // The first call never gets an answer from this worker: it is killed meanwhile.
    return { status: 200, body: { charged: call.path }, delayMs: nth === 1 ? 60_000 : 0 };
  });
  cleanups.push(() => hook.close());
  return Object.assign(hook, { effects });
}

async function setup(playbook: string, hook: Hook) {
  const prefix = `t-pbk-${randomBytes(4).toString('hex')}`;
  const dir = await playbookDir({ 'p.yml': playbook });
  const work = await mkdtemp(join(tmpdir(), 'vigil-pb-kill-'));
  cleanups.push(async () => {
    await dropPrefix(prefix);
    await rm(dir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });
  const auditFile = join(work, 'audit.jsonl');
  const env = {
    ...process.env,
    VIGIL_TEST_REDIS: SERVICES.redis,
    VIGIL_TEST_PREFIX: prefix,
    VIGIL_TEST_PLAYBOOKS: dir,
    VIGIL_TEST_SECRETS: JSON.stringify({ HOOK: hook.url }),
    VIGIL_TEST_AUDIT: auditFile,
    VIGIL_TEST_INCIDENT: JSON.stringify(incident('inc-kill')),
    VIGIL_TEST_LOCK_MS: String(LOCK_MS),
    VIGIL_LOG_LEVEL: 'warn',
  };
  const worker = (): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/playbook-worker.ts'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = exitOf(child);
        child.kill('SIGKILL');
        await gone;
      }
      if (err.includes('Error')) console.error(err);
    });
    return child;
  };
  const audit = (): AuditDocument[] =>
    existsSync(auditFile)
      ? readFileSync(auditFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as AuditDocument)
      : [];
  return { worker, audit };
}

const ended = (audit: () => AuditDocument[]) =>
  waitFor('the run to end', async () => audit().find((d) => d.event.action === 'playbook.run.ended'), 30_000, 50);

describe('a worker killed mid-step', () => {
  it('an idempotent call is made again with the same key: the run finishes and the side effect happens once', async () => {
    const hook = await target();
    const { worker, audit } = await setup(
      [
        'id: charge',
        'secrets: [HOOK]',
        HIGH,
        'steps:',
        '  - ref: charge',
        '    action: http.request',
        '    args: { url: "${{ secrets.HOOK }}/charge/${{ $.incident.id }}", idempotent: true, timeout: 30s }',
        '    timeout: 30s',
        '  - ref: after',
        '    needs: [charge]',
        '    action: http.request',
        '    args: { url: "${{ secrets.HOOK }}/after" }',
      ].join('\n'),
      hook,
    );
    const first = worker();
    await waitFor('the first call to arrive', async () => hook.calls.length === 1, 30_000, 20);
    const gone = exitOf(first);
    first.kill('SIGKILL');
    expect(await gone).toBe(null);

    worker();
    const end = await ended(audit);
    expect(end.vigil.playbook.status).toBe('succeeded');
    expect(end.vigil.playbook.run_id).toBe(runIdOf('charge', 'inc-kill'));
    const charges = hook.calls.filter((c) => c.path === '/charge/inc-kill');
    expect(charges).toHaveLength(2);
    expect(charges[0]?.headers['idempotency-key']).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(charges[1]?.headers['idempotency-key']).toBe(charges[0]?.headers['idempotency-key']);
    expect([...hook.effects.values()]).toEqual(['/charge/inc-kill']);
    expect(hook.calls.filter((c) => c.path === '/after')).toHaveLength(1);
  }, 60_000);

  it('a call that is not idempotent is not made again: the step ends unknown and the run follows on_error', async () => {
    const hook = await target();
    const { worker, audit } = await setup(
      [
        'id: post',
        'secrets: [HOOK]',
        HIGH,
        'steps:',
        '  - ref: post',
        '    action: http.request',
        '    args: { url: "${{ secrets.HOOK }}/charge/post", timeout: 30s }',
        '    timeout: 30s',
        '    on_error: tell',
        '  - ref: tell',
        '    action: http.request',
        '    args: { url: "${{ secrets.HOOK }}/tell" }',
      ].join('\n'),
      hook,
    );
    const first = worker();
    await waitFor('the first call to arrive', async () => hook.calls.length === 1, 30_000, 20);
    const gone = exitOf(first);
    first.kill('SIGKILL');
    await gone;

    worker();
    const end = await ended(audit);
    expect(end.vigil.playbook.status).toBe('succeeded');
    expect(hook.calls.map((c) => c.path)).toEqual(['/charge/post', '/tell']);
    const unknown = audit().find((d) => d.event.action === 'playbook.step.failed' && d.vigil.playbook.step === 'post');
    expect(unknown?.event.outcome).toBe('unknown');
    expect(unknown?.error?.code).toBe('ACTION_OUTCOME_UNKNOWN');
    expect(unknown?.error?.message).toMatch(/the worker stopped during http\.request \(attempt 1\); it is not idempotent/);
  }, 60_000);
});
