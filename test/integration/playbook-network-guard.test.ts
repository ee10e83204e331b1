import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../core/telemetry/index.js';
import { runIdOf } from '../../playbooks/index.js';
import { workerScene } from '../support/playbook-worker.js';
import { HIGH, find, harness, incident, runEnded, sleep, startHook, type Hook } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';
import { waitFor } from '../support/wait.js';

/**
 * The network guard and secret handling seen from a whole run on real Redis: a step aimed at
 * loopback without an allow fails once, for good, in the audit trail, and nothing reaches the
 * target; a step's allow_hosts lets it through; and a secret a target echoes back is in no
 * stored result, audit record, Redis key or log line.
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
}, 30_000);

async function refusals(): Promise<number> {
  const m = await registry.getSingleMetricAsString('vigil_playbook_address_refusals_total');
  const line = m.split('\n').find((l) => l.startsWith('vigil_playbook_address_refusals_total{class="loopback"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('the network guard in a run', () => {
  it('refuses a step to loopback with no allow: not retried, in the audit trail, counted, nothing sent', async () => {
    const counted = await refusals();
    const h = await harness({
      allow: [],
      playbooks: {
        'p.yml': [
          'id: internal-call',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: call',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/x" }',
          '    retry: { attempts: 3, backoff: fixed, delay: 50ms }',
        ].join('\n'),
      },
    });
    cleanups.push(() => h.close());
    await h.responder.dispatch(incident('inc-guard'));
    const ended = await runEnded(h, runIdOf('internal-call', 'inc-guard'));
    expect(ended.event.outcome).toBe('failure');
    await sleep(300); // longer than the backoff: no second attempt comes
    const failed = find(h.audit, 'playbook.step.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.vigil.playbook).toMatchObject({ step: 'call', attempt: 1, will_retry: false });
    expect(failed[0]?.error?.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(failed[0]?.error?.message).toMatch(/127\.0\.0\.1.*loopback.*allow_hosts/);
    expect(h.hook.calls).toEqual([]);
    expect(await refusals()).toBe(counted + 1);
  });

  it('lets a step through to the hosts its allow_hosts names, and only that step', async () => {
    const h = await harness({
      allow: [],
      playbooks: {
        'p.yml': [
          'id: allowed-call',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: allowed',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/allowed" }',
          '    allow_hosts: [127.0.0.1]',
          '  - ref: other',
          '    needs: [allowed]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/other" }',
        ].join('\n'),
      },
    });
    cleanups.push(() => h.close());
    await h.responder.dispatch(incident('inc-allow'));
    await runEnded(h, runIdOf('allowed-call', 'inc-allow'));
    expect(find(h.audit, 'playbook.step.succeeded').map((d) => d.vigil.playbook.step)).toEqual(['allowed']);
    expect(find(h.audit, 'playbook.step.failed')[0]?.error?.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/allowed']);
  });

  it('lets a step through to the one host an input names in allow_hosts, as the run set it; a network there fails the step', async () => {
    const h = await harness({
      allow: [],
      playbooks: {
        'p.yml': [
          'id: follow-input',
          'secrets: [HOOK]',
          HIGH,
          'inputs:',
          '  target: { type: string, default: 192.0.2.10 }',
          'steps:',
          '  - ref: call',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/followed" }',
          "    allow_hosts: ['${{ $.inputs.target }}']",
        ].join('\n'),
      },
    });
    cleanups.push(() => h.close());
    const pb = h.responder.playbooks.find((p) => p.id === 'follow-input');
    if (!pb) throw new Error('follow-input did not load');

    // The default names another host: 127.0.0.1 stays refused.
    await h.responder.dispatch(incident('inc-follow'));
    const byDefault = await runEnded(h, runIdOf('follow-input', 'inc-follow'));
    expect(byDefault.event.outcome).toBe('failure');
    expect(find(h.audit, 'playbook.step.failed', { run: byDefault.vigil.playbook.run_id })[0]?.error?.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(h.hook.calls).toEqual([]);

    // A manual run that names the target's address reaches it.
    const named = await h.responder.control.start(pb, 'inc-follow', { target: '127.0.0.1' }, 'alice');
    expect((await runEnded(h, named)).event.outcome).toBe('success');
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/followed']);

    // A network is not one host: the step fails before anything connects.
    const network = await h.responder.control.start(pb, 'inc-follow', { target: '127.0.0.0/8' }, 'alice');
    expect((await runEnded(h, network)).event.outcome).toBe('failure');
    const failed = find(h.audit, 'playbook.step.failed', { run: network })[0];
    expect(failed?.error).toMatchObject({ code: 'TEMPLATE_INVALID', message: expect.stringMatching(/127\.0\.0\.0\/8.*is a network/) });
    expect(h.hook.calls).toHaveLength(1);
  });
});

describe('secrets in a run whose target echoes them back', () => {
  it('are in no step result, Redis key, audit record or log line', async () => {
    const apiKey = `sk-live-${randomBytes(12).toString('hex')}`;
    const pathToken = `T0KEN-${randomBytes(8).toString('hex')}`;
    // Echoes the credentials it was sent: in a result, in a permanent error and in a retried one.
    // The flaky endpoint's own count: steps after `call` run concurrently, so the overall call
    // number says nothing about which of them came first.
    let flakyCalls = 0;
    const hook: Hook = await startHook((call) => {
      const echoed = { authorization: call.headers.authorization, key: call.headers['x-api-key'], path: call.path };
      if (call.path.endsWith('/reject')) return { status: 400, body: { error: `bad key ${String(call.headers.authorization)}` } };
      if (call.path.endsWith('/flaky') && ++flakyCalls === 1)
        return { status: 500, body: { error: `busy ${String(call.headers['x-api-key'])}` } };
      return { status: 200, body: { got: echoed } };
    });
    cleanups.push(() => hook.close());
    const scene = await workerScene('t-pbsec', {
      'p.yml': [
        'id: echo-secrets',
        'secrets: [HOOK, API_KEY]',
        HIGH,
        'steps:',
        '  - ref: call',
        '    action: http.request',
        '    args:',
        '      url: "${{ secrets.HOOK }}/echo"',
        '      headers: { authorization: "Bearer ${{ secrets.API_KEY }}", x-api-key: "${{ secrets.API_KEY }}" }',
        '      body: { key: "${{ secrets.API_KEY }}" }',
        '  - ref: each',
        '    needs: [call]',
        '    for_each: $.incident.entities.hosts',
        '    action: http.request',
        '    args: { url: "${{ secrets.HOOK }}/echo/${{ $.item }}", headers: { x-api-key: "${{ secrets.API_KEY }}" } }',
        '  - ref: flaky',
        '    needs: [call]',
        '    action: http.request',
        '    args: { url: "${{ secrets.HOOK }}/flaky", headers: { x-api-key: "${{ secrets.API_KEY }}" } }',
        '    retry: { attempts: 3, backoff: fixed, delay: 50ms }',
        '  - ref: reject',
        '    needs: [call]',
        '    action: http.request',
        '    args: { url: "${{ secrets.HOOK }}/reject", headers: { authorization: "Bearer ${{ secrets.API_KEY }}" } }',
      ].join('\n'),
    });
    cleanups.push(() => scene.close());
    // A real worker process, logging everything, so that its log lines can be searched.
    const worker = scene.start({
      secrets: { HOOK: `${hook.url}/t/${pathToken}`, API_KEY: apiKey },
      incident: incident('inc-secrets'),
      lockMs: 5000,
      logLevel: 'debug',
    });
    await scene.runEnded(60_000, 50);
    await sleep(200); // the job's own completion is written to Redis after the audit record

    // The target did get the secret, and echoed it: there was something to leak.
    expect(hook.calls.some((c) => c.headers['x-api-key'] === apiKey)).toBe(true);
    expect(hook.calls.some((c) => c.path.includes(pathToken))).toBe(true);
    const auditText = scene.auditText();
    expect(auditText).toContain('[REDACTED]');
    expect(
      find(scene.audit(), 'playbook.step.succeeded')
        .map((d) => d.vigil.playbook.step)
        .sort(),
    ).toEqual(['call', 'each', 'flaky']);
    expect(find(scene.audit(), 'playbook.step.failed').map((d) => d.error?.code)).toContain('ACTION_REJECTED');
    // The worker's log reaches this process through a pipe, after the audit record: wait for it,
    // then stop the worker so that every line it wrote is here before the logs are searched.
    await waitFor('the worker to log the retry', async () => worker.logs().includes('step failed, will retry'), 15_000, 50);
    await worker.stop();

    const stored = await redisText(scene.prefix);
    expect(stored).toContain('[REDACTED]');
    for (const [where, text] of [
      ['Redis', stored],
      ['the audit trail', auditText],
      ['the logs', worker.logs()],
    ] as const) {
      expect({ where, apiKey: text.includes(apiKey), pathToken: text.includes(pathToken) }).toEqual({
        where,
        apiKey: false,
        pathToken: false,
      });
    }
  }, 90_000);
});
