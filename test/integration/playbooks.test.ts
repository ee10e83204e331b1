import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Publisher } from '../../core/bus/types.js';
import { isVigilError } from '../../core/errors/index.js';
import { runIdOf, startResponder, type AuditDocument, type Responder } from '../../playbooks/index.js';
import { SERVICES } from '../support/config.js';
import { dropPrefix, find, HIGH, playbookDir, runEnded, sleep, startHook, type Hook, type Replier } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';
import { waitFor } from '../support/wait.js';

/**
 * Playbooks on a real Redis (VIGIL_REDIS_URL, default redis://127.0.0.1:6379): BullMQ jobs,
 * retries and run state are real; the webhook is a local node:http server; the audit publisher
 * is an in-memory list (Kafka delivery is the end-to-end test's business).
 */

/** This file's incident: the shipped playbook's ticket body carries its rule's tags and its event. */
function incident(id: string, overrides: Record<string, unknown> = {}): { incident: Record<string, unknown> } {
  return {
    incident: {
      id,
      title: 'Sudo to root on web-01',
      severity: 'high',
      status: 'open',
      rule: { id: 'r-1', name: 'Sudo to root', level: 'high', tags: ['attack.privilege_escalation', 'attack.t1548.003'] },
      source: { ip: '203.0.113.45' },
      host: { name: 'web-01' },
      user: { name: 'deploy' },
      event: { '@timestamp': '2026-01-02T03:04:05Z', process: { name: 'sudo' } },
      '@timestamp': '2026-01-02T03:04:05Z',
      ...overrides,
    },
  };
}

interface Harness {
  responder: Responder;
  audit: AuditDocument[];
  keys: string[];
  prefix: string;
  hook: Hook;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A responder with its own queue prefix, over playbook files (or paths) of its own; the audit records' keys too. */
async function harness(opts: {
  playbooks?: Record<string, string>;
  paths?: string[];
  reply?: Replier;
  secrets?: (hook: Hook) => Record<string, string>;
}): Promise<Harness> {
  const hook = await startHook(opts.reply);
  cleanups.push(() => hook.close());
  const prefix = `t-pb-${randomBytes(4).toString('hex')}`;
  cleanups.push(() => dropPrefix(prefix));
  let paths = opts.paths ?? [];
  if (opts.playbooks) {
    const dir = await playbookDir(opts.playbooks);
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    paths = [dir];
  }
  const audit: AuditDocument[] = [];
  const keys: string[] = [];
  const publisher: Publisher = {
    send: async (topic, records) => {
      expect(topic).toBe('vigil.actions');
      for (const r of records) {
        keys.push(String(r.key));
        audit.push(JSON.parse(String(r.value)) as AuditDocument);
      }
    },
  };
  const secrets = opts.secrets?.(hook) ?? { HOOK: hook.url };
  const responder = await startResponder({
    config: {
      redis: { url: SERVICES.redis, prefix },
      // The local target listens on loopback, which actions reach only when allowed.
      playbooks: { paths, concurrency: 4, secrets, network: { allow: ['127.0.0.1'] } },
    },
    publisher,
    actionsTopic: 'vigil.actions',
  });
  cleanups.push(() => responder.close());
  expect(responder.problems.map((p) => p.describe())).toEqual([]);
  return { responder, audit, keys, prefix, hook };
}

describe('playbooks on real Redis', () => {
  it('runs the shipped notify-soc-webhook playbook with bodies templated from the incident, secrets redacted', async () => {
    const h = await harness({
      paths: ['rules/playbooks/notify-soc-webhook.yml'],
      secrets: (hook) => ({ SOC_WEBHOOK_URL: `${hook.url}/hooks/T0KEN-s3cr3t` }),
    });
    const rec = incident('inc-notify-1');
    await h.responder.dispatch(rec);
    await h.responder.dispatch(incident('inc-low-1', { severity: 'low' }));
    const runId = runIdOf('notify-soc-webhook', 'inc-notify-1');
    expect((await runEnded(h, runId)).event.outcome).toBe('success');

    expect(h.hook.calls.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      {
        method: 'POST',
        path: '/hooks/T0KEN-s3cr3t',
        body: {
          incident_id: 'inc-notify-1',
          title: 'Sudo to root on web-01',
          severity: 'high',
          host: 'web-01',
          user: 'deploy',
          source_ip: '203.0.113.45',
        },
      },
      {
        method: 'POST',
        path: '/hooks/T0KEN-s3cr3t/tickets/inc-notify-1',
        body: {
          summary: '[high] Sudo to root on web-01',
          incident_id: 'inc-notify-1',
          rule: 'Sudo to root',
          tags: ['attack.privilege_escalation', 'attack.t1548.003'],
          notified_status: 200,
        },
      },
    ]);

    // The low-severity incident started nothing; the run's trail is complete and in order.
    expect(h.audit.every((d) => d.vigil.incident?.id === 'inc-notify-1')).toBe(true);
    expect(h.audit.map((d) => [d.event.action, d.vigil.playbook.step ?? null])).toEqual([
      ['playbook.run.started', null],
      ['playbook.step.started', 'notify'],
      ['playbook.step.succeeded', 'notify'],
      ['playbook.step.started', 'ticket'],
      ['playbook.step.succeeded', 'ticket'],
      ['playbook.run.ended', null],
    ]);
    expect(new Set(h.keys)).toEqual(new Set([runId]));
    expect(new Set(h.audit.map((d) => d.vigil.id)).size).toBe(h.audit.length);
    expect(h.audit.every((d) => d.event.kind === 'event' && d.event.category[0] === 'process')).toBe(true);
    // The hook echoes its path, the token part of the secret URL: redacted as well.
    expect(find(h.audit, 'playbook.step.succeeded', { step: 'notify' })[0]?.vigil.playbook.result).toEqual({
      status: 200,
      body: { path: '[REDACTED]' },
    });

    // The secret URL never reaches the audit trail.
    expect(JSON.stringify(h.audit)).not.toContain('T0KEN-s3cr3t');
    const started = find(h.audit, 'playbook.step.started');
    expect(started.map((d) => (d.vigil.playbook.args as { url: string }).url)).toEqual(['[REDACTED]', '[REDACTED]/tickets/inc-notify-1']);
    expect((started[0]?.vigil.playbook.args as { body: unknown }).body).toMatchObject({ host: 'web-01', source_ip: '203.0.113.45' });
  });

  it('keeps secret values out of Redis and the audit trail when a service echoes them back', async () => {
    const apiKey = `sk-live-${randomBytes(8).toString('hex')}`;
    const h = await harness({
      playbooks: {
        'echo.yml': [
          'id: echo',
          'secrets: [HOOK, API_KEY]',
          HIGH,
          'steps:',
          '  - ref: call',
          '    action: http.request',
          '    args:',
          '      url: "${{ secrets.HOOK }}/echo"',
          '      headers: { authorization: "Bearer ${{ secrets.API_KEY }}" }',
          '      body: { key: "${{ secrets.API_KEY }}", id: "${{ $.incident.id }}" }',
          '    retry: { attempts: 2, backoff: fixed, delay: 50ms }',
          '  - ref: next',
          '    needs: [call]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/next", body: { echoed: "${{ $.steps.call.body.got }}" } }',
        ].join('\n'),
      },
      secrets: (hook) => ({ HOOK: hook.url, API_KEY: apiKey }),
      // The first answer is an error that quotes the key (it lands in an error message and in
      // BullMQ's record of the failed attempt); the second echoes it in a JSON body, next to a
      // credential of the service's own that no secret declares.
      reply: (call, nth) =>
        nth === 1
          ? { status: 500, body: { error: `bad key ${apiKey}` } }
          : { status: 200, body: { got: (call.body as { key?: string } | undefined)?.key, session: { token: 'srv-tok-123' } } },
    });
    const runId = runIdOf('echo', 'inc-echo');
    await h.responder.dispatch(incident('inc-echo'));
    expect((await runEnded(h, runId)).event.outcome).toBe('success');
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/echo', '/echo', '/next']);
    expect(h.hook.calls[0]?.body).toEqual({ key: apiKey, id: 'inc-echo' });
    // A later step sees the echoed value redacted: it was never stored.
    expect(h.hook.calls[2]?.body).toEqual({ echoed: '[REDACTED]' });

    const stored = await redisText(h.prefix);
    expect(stored).toContain(runId);
    expect(stored).toContain('bad key [REDACTED]');
    expect(stored).not.toContain(apiKey);

    const trail = JSON.stringify(h.audit);
    expect(trail).not.toContain(apiKey);
    expect(find(h.audit, 'playbook.step.succeeded', { step: 'call' })[0]?.vigil.playbook.result).toEqual({
      status: 200,
      body: { got: '[REDACTED]', session: { token: '[REDACTED]' } },
    });
    expect((find(h.audit, 'playbook.step.started', { step: 'call' })[0]?.vigil.playbook.args as { headers: unknown }).headers).toEqual({
      authorization: '[REDACTED]',
    });
  });

  it('retries a 500 with backoff and records each attempt', async () => {
    const h = await harness({
      playbooks: {
        'flaky.yml': [
          'id: flaky',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: call',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/flaky", body: { id: "${{ $.incident.id }}" } }',
          '    retry: { attempts: 3, backoff: fixed, delay: 200ms }',
        ].join('\n'),
      },
      reply: (_call, nth) => (nth === 1 ? { status: 500, body: { error: 'busy' } } : { status: 200, body: { ok: true } }),
    });
    await h.responder.dispatch(incident('inc-retry-1'));
    const ended = await runEnded(h, runIdOf('flaky', 'inc-retry-1'));
    expect(ended.event.outcome).toBe('success');
    expect(h.hook.calls.map((c) => c.body)).toEqual([{ id: 'inc-retry-1' }, { id: 'inc-retry-1' }]);

    expect(find(h.audit, 'playbook.step.started').map((d) => d.vigil.playbook.attempt)).toEqual([1, 2]);
    const [failed, ...moreFailures] = find(h.audit, 'playbook.step.failed');
    expect(moreFailures).toEqual([]);
    expect(failed?.vigil.playbook).toMatchObject({ step: 'call', action: 'http.request', attempt: 1, max_attempts: 3, will_retry: true });
    expect(failed?.error).toEqual({ code: 'ACTION_FAILED', message: 'http.request POST: unexpected HTTP 500: {"error":"busy"}' });
    expect(failed?.event.outcome).toBe('failure');
    const succeeded = find(h.audit, 'playbook.step.succeeded')[0];
    expect(succeeded?.vigil.playbook).toMatchObject({ attempt: 2, result: { status: 200, body: { ok: true } } });
    // fixed 200ms with 20% jitter: at least 160ms between the attempts.
    expect(Date.parse(succeeded?.['@timestamp'] ?? '') - Date.parse(failed?.['@timestamp'] ?? '')).toBeGreaterThanOrEqual(150);
  });

  it('does not retry a 400, and skips what needs the failed step', async () => {
    const h = await harness({
      playbooks: {
        'rejected.yml': [
          'id: rejected',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: call',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/bad" }',
          '    retry: { attempts: 3, backoff: fixed, delay: 50ms }',
          '  - ref: after',
          '    needs: [call]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/after" }',
        ].join('\n'),
      },
      reply: () => ({ status: 400, body: { error: 'bad request' } }),
    });
    await h.responder.dispatch(incident('inc-400'));
    const ended = await runEnded(h, runIdOf('rejected', 'inc-400'));
    expect(ended.event.outcome).toBe('failure');
    await sleep(500); // longer than any backoff: nothing more comes
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/bad']);
    const failed = find(h.audit, 'playbook.step.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.vigil.playbook).toMatchObject({ step: 'call', attempt: 1, will_retry: false });
    expect(failed[0]?.error?.code).toBe('ACTION_REJECTED');
    const skipped = find(h.audit, 'playbook.step.skipped');
    expect(skipped.map((d) => [d.vigil.playbook.step, d.event.reason])).toEqual([['after', 'needs call, which failed']]);
  });

  it('runs steps in needs order, passes results on, and skips on run_if', async () => {
    const h = await harness({
      playbooks: {
        'graph.yml': [
          'id: graph',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: d',
          '    needs: [b, c]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/d", body: { from_b: "${{ $.steps.b.body.path }}", from_c: "${{ $.steps.c.body.path }}", a_status: "${{ $.steps.a.status }}" } }',
          '  - ref: a',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/a" }',
          '  - ref: b',
          '    needs: [a]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/b" }',
          '  - ref: c',
          '    needs: [a]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/c" }',
          '  - ref: e',
          '    needs: [a]',
          '    run_if: { sel: { steps.a.status: 500 }, condition: sel }',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/e" }',
          '  - ref: f',
          '    needs: [e]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/f" }',
        ].join('\n'),
      },
      // b is slow, so that d would run too early if it waited for c only.
      reply: (call) => ({ status: 200, delayMs: call.path === '/b' ? 300 : 0 }),
    });
    await h.responder.dispatch(incident('inc-graph'));
    expect((await runEnded(h, runIdOf('graph', 'inc-graph'))).event.outcome).toBe('success');
    const paths = h.hook.calls.map((c) => c.path);
    expect(paths[0]).toBe('/a');
    expect(paths.slice(1, 3).sort()).toEqual(['/b', '/c']);
    expect(paths.slice(3)).toEqual(['/d']);
    expect(h.hook.calls[3]?.body).toEqual({ from_b: '/b', from_c: '/c', a_status: 200 });
    const skipped = find(h.audit, 'playbook.step.skipped');
    expect(skipped.map((d) => [d.vigil.playbook.step, d.event.reason])).toEqual([
      ['e', 'run_if is false'],
      ['f', 'needs e, which skipped'],
    ]);
    // d started only after both b and c succeeded.
    const at = (action: string, step: string) => h.audit.findIndex((d) => d.event.action === action && d.vigil.playbook.step === step);
    expect(at('playbook.step.started', 'd')).toBeGreaterThan(at('playbook.step.succeeded', 'b'));
    expect(at('playbook.step.started', 'd')).toBeGreaterThan(at('playbook.step.succeeded', 'c'));
  });

  it('runs no step twice when the same incident is dispatched again', async () => {
    const h = await harness({
      playbooks: {
        'once.yml': [
          'id: once',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: slow',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/slow" }',
          '  - ref: next',
          '    needs: [slow]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/next" }',
        ].join('\n'),
      },
      reply: (call) => ({ status: 200, delayMs: call.path === '/slow' ? 300 : 0 }),
    });
    const rec = incident('inc-again');
    const runId = runIdOf('once', 'inc-again');
    // Redelivered at once, then again while the first step is in flight…
    await Promise.all([h.responder.dispatch(rec), h.responder.dispatch(rec), h.responder.dispatch(rec)]);
    await waitFor('first call', async () => h.hook.calls.length === 1, 5_000, 10);
    await h.responder.dispatch(rec);
    await runEnded(h, runId);
    // …and once more after the run ended.
    const trail = h.audit.length;
    await h.responder.dispatch(rec);
    await sleep(500);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/slow', '/next']);
    expect(h.audit.length).toBe(trail);
    expect(find(h.audit, 'playbook.step.started').map((d) => d.vigil.playbook.step)).toEqual(['slow', 'next']);
    expect(find(h.audit, 'playbook.run.ended')).toHaveLength(1);
    // Concurrent deliveries may each announce the start, always as the same document id.
    expect(new Set(find(h.audit, 'playbook.run.started').map((d) => d.vigil.id)).size).toBe(1);
  });

  it('fails a step at once on a missing template value or a timeout, and refuses a record with no incident id', async () => {
    const h = await harness({
      playbooks: {
        'missing.yml': [
          'id: missing',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: call',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/u/${{ $.incident.user.id }}" }',
          '    retry: { attempts: 3, backoff: fixed, delay: 50ms }',
        ].join('\n'),
        'slow.yml': [
          'id: slow',
          'secrets: [HOOK]',
          HIGH,
          'steps:',
          '  - ref: call',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/slow" }',
          '    timeout: 200ms',
        ].join('\n'),
      },
      reply: (call) => ({ status: 200, delayMs: call.path === '/slow' ? 3000 : 0 }),
    });
    await h.responder.dispatch(incident('inc-missing'));
    const ended = await runEnded(h, runIdOf('missing', 'inc-missing'));
    expect(ended.event.outcome).toBe('failure');
    const failed = find(h.audit, 'playbook.step.failed', { run: runIdOf('missing', 'inc-missing') });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toEqual({
      code: 'TEMPLATE_INVALID',
      message: 'playbook missing step call: ${{ $.incident.user.id }} has no value (in args.url)',
    });
    expect(find(h.audit, 'playbook.step.started', { step: 'call' }).filter((d) => d.vigil.playbook.id === 'missing')).toEqual([]);

    const slow = await runEnded(h, runIdOf('slow', 'inc-missing'));
    expect(slow.event.outcome).toBe('failure');
    const timedOut = find(h.audit, 'playbook.step.failed', { run: runIdOf('slow', 'inc-missing') });
    expect(timedOut.map((d) => [d.error?.code, d.vigil.playbook.will_retry])).toEqual([['ACTION_FAILED', false]]);
    expect(timedOut[0]?.error?.message).toMatch(/timed out after 200 ms/);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/slow']);

    const refused = await h.responder.dispatch({ incident: { title: 'no id' } }).catch((e: unknown) => e);
    expect(isVigilError(refused, 'EVENT_INVALID')).toBe(true);
  });
});
