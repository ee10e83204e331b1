import { afterEach, describe, expect, it } from 'vitest';
import { runIdOf } from '../../playbooks/index.js';
import { HIGH, incident, startHook, type Hook } from '../support/playbooks.js';
import { workerScene } from '../support/playbook-worker.js';
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

/** A scene for `playbook`, and a way to start a worker in it (stopped or killed by the test or after it). */
async function setup(playbook: string, hook: Hook) {
  const scene = await workerScene('t-pbk', { 'p.yml': playbook });
  cleanups.push(() => scene.close());
  const worker = () => scene.start({ secrets: { HOOK: hook.url }, incident: incident('inc-kill'), lockMs: LOCK_MS, logLevel: 'warn' });
  return { worker, audit: scene.audit, ended: () => scene.runEnded(30_000, 50) };
}

describe('a worker killed mid-step', () => {
  it('an idempotent call is made again with the same key: the run finishes and the side effect happens once', async () => {
    const hook = await target();
    const { worker, ended } = await setup(
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
    expect(await first.kill()).toBe(null);

    worker();
    const end = await ended();
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
    const { worker, audit, ended } = await setup(
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
    await first.kill();

    worker();
    const end = await ended();
    expect(end.vigil.playbook.status).toBe('succeeded');
    expect(hook.calls.map((c) => c.path)).toEqual(['/charge/post', '/tell']);
    const unknown = audit().find((d) => d.event.action === 'playbook.step.failed' && d.vigil.playbook.step === 'post');
    expect(unknown?.event.outcome).toBe('unknown');
    expect(unknown?.error?.code).toBe('ACTION_OUTCOME_UNKNOWN');
    expect(unknown?.error?.message).toMatch(/the worker stopped during http\.request \(attempt 1\); it is not idempotent/);
  }, 60_000);
});
