import { afterEach, describe, expect, it } from 'vitest';
import { runIdOf } from '../../playbooks/index.js';
import { HIGH, find, harness, incident, runEnded, sleep, type Harness } from '../support/playbooks.js';
import { waitFor } from '../support/wait.js';

/**
 * The step language on a real Redis (BullMQ jobs, delayed polls, run state, the sweeper): the
 * HTTP target is a local server, the audit publisher an in-memory list.
 */

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});
const start = async (opts: Parameters<typeof harness>[0]) => {
  const h = await harness(opts);
  open.push(h);
  return h;
};
const pb = (id: string, ...lines: string[]) => [`id: ${id}`, 'secrets: [HOOK]', HIGH, ...lines].join('\n');

describe('for_each', () => {
  it('calls the action once per item, at most `concurrency` at once, and returns the list of results', async () => {
    const h = await start({
      playbooks: {
        'each.yml': pb(
          'each',
          'steps:',
          '  - ref: block',
          '    for_each: $.incident.entities.ips',
          '    concurrency: 2',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/block", body: { ip: "${{ $.item }}", incident: "${{ $.incident.id }}" } }',
          '  - ref: report',
          '    needs: [block]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/report", body: { results: "${{ $.steps.block }}" } }',
        ),
      },
      reply: (call) => ({
        status: 200,
        delayMs: call.path === '/block' ? 150 : 0,
        body: { got: (call.body as { ip?: string })?.ip ?? null },
      }),
    });
    await h.responder.dispatch(incident('inc-each'));
    expect((await runEnded(h, runIdOf('each', 'inc-each'))).event.outcome).toBe('success');
    const blocks = h.hook.calls.filter((c) => c.path === '/block');
    expect(blocks.map((c) => (c.body as { ip: string }).ip).sort()).toEqual(['192.0.2.9', '198.51.100.7', '203.0.113.45']);
    expect(h.hook.maxInFlight()).toBe(2);
    const report = h.hook.calls.find((c) => c.path === '/report');
    // Results keep the order of the list, whatever order the calls finished in.
    expect((report?.body as { results: Array<{ body: { got: string } }> }).results.map((r) => r.body.got)).toEqual([
      '203.0.113.45',
      '198.51.100.7',
      '192.0.2.9',
    ]);
  });

  it('retries only the items that failed: those that succeeded are not called again', async () => {
    let failedOnce = false;
    const h = await start({
      playbooks: {
        'each.yml': pb(
          'each-retry',
          'steps:',
          '  - ref: block',
          '    for_each: $.incident.entities.ips',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/block/${{ $.item }}" }',
          '    retry: { attempts: 2, delay: 50ms, jitter: 0 }',
        ),
      },
      reply: (call) => {
        if (call.path === '/block/198.51.100.7' && !failedOnce) {
          failedOnce = true;
          return { status: 503 };
        }
        return { status: 200 };
      },
    });
    await h.responder.dispatch(incident('inc-each-retry'));
    expect((await runEnded(h, runIdOf('each-retry', 'inc-each-retry'))).event.outcome).toBe('success');
    // Items run in order, one at a time: the first succeeded, the second failed once, then both it and the third.
    expect(h.hook.calls.map((c) => c.path)).toEqual([
      '/block/203.0.113.45',
      '/block/198.51.100.7',
      '/block/198.51.100.7',
      '/block/192.0.2.9',
    ]);
    // One idempotency key per item, the same on its retry.
    const keys = h.hook.calls.map((c) => c.headers['idempotency-key']);
    expect(keys[1]).toBe(keys[2]);
    expect(new Set(keys).size).toBe(3);
    expect(keys.every((k) => typeof k === 'string' && k.length > 0)).toBe(true);
  });

  it('fails the step when for_each names no list', async () => {
    const h = await start({
      playbooks: {
        'each.yml': pb(
          'each-bad',
          'steps:',
          '  - ref: s',
          '    for_each: $.incident.title',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/x" }',
        ),
      },
    });
    await h.responder.dispatch(incident('inc-each-bad'));
    const ended = await runEnded(h, runIdOf('each-bad', 'inc-each-bad'));
    expect(ended.vigil.playbook.status).toBe('failed');
    expect(find(h.audit, 'playbook.step.failed')[0]?.error?.message).toMatch(/for_each \$\.incident\.title is not a list \(string\)/);
    expect(h.hook.calls).toEqual([]);
  });
});

describe('on_error', () => {
  const failing = (onError: string) => [
    'steps:',
    '  - ref: ticket',
    '    action: http.request',
    '    args: { url: "${{ secrets.HOOK }}/ticket" }',
    `    on_error: ${onError}`,
    '  - ref: fallback',
    '    action: http.request',
    '    args: { url: "${{ secrets.HOOK }}/fallback" }',
    '  - ref: notify',
    '    needs: [ticket]',
    '    action: http.request',
    '    args: { url: "${{ secrets.HOOK }}/notify" }',
  ];
  const reply = (call: { path: string }) => ({ status: call.path === '/ticket' ? 400 : 200 });

  it('fail (the default): what needs the step is skipped and the run fails', async () => {
    const h = await start({ playbooks: { 'a.yml': pb('oe-fail', ...failing('fail')) }, reply });
    await h.responder.dispatch(incident('inc-oe'));
    const ended = await runEnded(h, runIdOf('oe-fail', 'inc-oe'));
    expect([ended.event.outcome, ended.vigil.playbook.status, ended.event.reason]).toEqual(['failure', 'failed', 'step ticket failed']);
    expect(h.hook.calls.map((c) => c.path).sort()).toEqual(['/fallback', '/ticket']);
  });

  it('continue: what needs the step runs anyway and the run succeeds', async () => {
    const h = await start({ playbooks: { 'a.yml': pb('oe-continue', ...failing('continue')) }, reply });
    await h.responder.dispatch(incident('inc-oe'));
    const ended = await runEnded(h, runIdOf('oe-continue', 'inc-oe'));
    expect(ended.vigil.playbook.status).toBe('succeeded');
    expect(h.hook.calls.map((c) => c.path).sort()).toEqual(['/fallback', '/notify', '/ticket']);
    expect(find(h.audit, 'playbook.step.failed', { step: 'ticket' })[0]?.error?.code).toBe('ACTION_REJECTED');
  });

  it('a step ref: the handler runs instead, only then, and its success lets the run go on', async () => {
    const h = await start({
      playbooks: {
        'a.yml': pb(
          'oe-handler',
          ...failing('fallback'),
          '  - ref: spare',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/spare" }',
          '  - ref: fine',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/fine" }',
          '    on_error: spare',
        ),
      },
      reply,
    });
    await h.responder.dispatch(incident('inc-oe'));
    const ended = await runEnded(h, runIdOf('oe-handler', 'inc-oe'));
    expect(ended.vigil.playbook.status).toBe('succeeded');
    const paths = h.hook.calls.map((c) => c.path);
    expect(paths.sort()).toEqual(['/fallback', '/fine', '/notify', '/ticket']);
    // The handler of a step that did not fail is skipped, and says why.
    expect(find(h.audit, 'playbook.step.skipped').map((d) => [d.vigil.playbook.step, d.event.reason])).toEqual([
      ['spare', 'fine did not fail'],
    ]);
    const at = (action: string, step: string) => h.audit.findIndex((d) => d.event.action === action && d.vigil.playbook.step === step);
    expect(at('playbook.step.started', 'notify')).toBeGreaterThan(at('playbook.step.succeeded', 'fallback'));
  });
});

describe('timeouts', () => {
  it('the sweeper ends a run past its timeout as timed_out, with the reason, and nothing runs after', async () => {
    const h = await start({
      playbooks: {
        'slow.yml': pb(
          'slow-run',
          'timeout: 500ms',
          'steps:',
          '  - ref: slow',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/slow", timeout: 5s }',
          '    timeout: 5s',
          '  - ref: after',
          '    needs: [slow]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/after" }',
        ),
      },
      reply: (call) => ({ status: 200, delayMs: call.path === '/slow' ? 1500 : 0 }),
    });
    const runId = runIdOf('slow-run', 'inc-slow');
    const t0 = Date.now();
    await h.responder.dispatch(incident('inc-slow'));
    const ended = await runEnded(h, runId);
    expect(Date.now() - t0).toBeLessThan(1400);
    expect(ended.vigil.playbook.status).toBe('timed_out');
    expect(ended.event.outcome).toBe('failure');
    expect(ended.event.reason).toBe("still running after the playbook's timeout of 500 ms");
    // The slow call comes back later: it settles, but the ended run queues nothing more.
    await waitFor('slow step settled', async () => find(h.audit, 'playbook.step.succeeded', { step: 'slow' })[0], 5_000, 25);
    await sleep(300);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/slow']);
    expect(find(h.audit, 'playbook.run.ended', { run: runId })).toHaveLength(1);
    expect((await h.responder.control.show(runId)).end?.status).toBe('timed_out');
  });
});

describe('wait', () => {
  it('for: holds the run for the duration', async () => {
    const h = await start({
      playbooks: {
        'w.yml': pb(
          'wait-for',
          'steps:',
          '  - ref: pause',
          '    wait: { for: 400ms }',
          '  - ref: go',
          '    needs: [pause]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/go" }',
        ),
      },
    });
    const t0 = Date.now();
    await h.responder.dispatch(incident('inc-wait'));
    await runEnded(h, runIdOf('wait-for', 'inc-wait'));
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/go']);
    expect((h.hook.calls[0]?.at ?? 0) - t0).toBeGreaterThanOrEqual(400);
  });

  it('until: re-reads the incident on each poll and goes on once the condition holds', async () => {
    const h = await start({
      playbooks: {
        'w.yml': pb(
          'wait-ack',
          'steps:',
          '  - ref: acked',
          '    wait: { until: { path: $.incident.status, in: [acknowledged, closed] }, poll: 100ms, timeout: 10s }',
          '  - ref: go',
          '    needs: [acked]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/go" }',
        ),
      },
    });
    await h.responder.dispatch(incident('inc-ack'));
    await sleep(400);
    expect(h.hook.calls).toEqual([]);
    const acked = Date.now();
    await h.responder.dispatch(incident('inc-ack', { status: 'acknowledged', version: 2 }));
    // A redelivered older record does not undo what the newer one said.
    await h.responder.dispatch(incident('inc-ack'));
    await runEnded(h, runIdOf('wait-ack', 'inc-ack'));
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/go']);
    expect((h.hook.calls[0]?.at ?? 0) - acked).toBeLessThan(1000);
  });

  it('until: fails with PLAYBOOK_WAIT_TIMEOUT at its timeout, and on_error applies', async () => {
    const h = await start({
      playbooks: {
        'w.yml': pb(
          'wait-late',
          'steps:',
          '  - ref: acked',
          '    wait: { until: { path: $.incident.assignee, exists: true }, poll: 100ms, timeout: 400ms }',
          '    on_error: continue',
          '  - ref: escalate',
          '    needs: [acked]',
          '    action: http.request',
          '    args: { url: "${{ secrets.HOOK }}/escalate" }',
        ),
      },
    });
    await h.responder.dispatch(incident('inc-late'));
    const ended = await runEnded(h, runIdOf('wait-late', 'inc-late'));
    expect(ended.vigil.playbook.status).toBe('succeeded');
    expect(find(h.audit, 'playbook.step.failed', { step: 'acked' }).map((d) => d.error?.code)).toEqual(['PLAYBOOK_WAIT_TIMEOUT']);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/escalate']);
  });
});

describe('approval', () => {
  const approvalPb = (id: string, approval: string) =>
    pb(
      id,
      'steps:',
      '  - ref: ok',
      `    approval: ${approval}`,
      '  - ref: block',
      '    needs: [ok]',
      '    action: http.request',
      '    args: { url: "${{ secrets.HOOK }}/block/${{ $.incident.source.ip }}" }',
    );
  const waiting = (h: Harness, runId: string) =>
    waitFor('approval requested', async () => find(h.audit, 'playbook.approval.requested', { run: runId })[0], 10_000, 25);

  it('pauses until a responder approves; who, when and why go to the audit trail', async () => {
    const h = await start({
      playbooks: { 'a.yml': approvalPb('approve-me', '{ prompt: "Block ${{ $.incident.source.ip }}?", timeout: 10m }') },
    });
    const runId = runIdOf('approve-me', 'inc-appr');
    await h.responder.dispatch(incident('inc-appr'));
    const asked = await waiting(h, runId);
    expect(asked.vigil.playbook.approval?.prompt).toBe('Block 203.0.113.45?');
    await sleep(300);
    expect(h.hook.calls).toEqual([]);
    const decidedAt = Date.now();
    await h.responder.control.decide(h.responder.playbooks[0], runId, 'ok', {
      decision: 'approved',
      by: 'alice',
      reason: 'known attacker',
    });
    await runEnded(h, runId);
    // The decision wakes the step at once, not at its next poll.
    expect((h.hook.calls[0]?.at ?? 0) - decidedAt).toBeLessThan(1500);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/block/203.0.113.45']);
    const decided = find(h.audit, 'playbook.approval.decided', { run: runId });
    expect(decided).toHaveLength(1);
    expect(decided[0]?.vigil.playbook.approval).toMatchObject({ decision: 'approved', by: 'alice', reason: 'known attacker' });
    expect(Date.parse(decided[0]?.vigil.playbook.approval?.at ?? '')).toBeGreaterThanOrEqual(decidedAt - 5);
    // A second decision is refused, naming the first.
    await expect(h.responder.control.decide(undefined, runId, 'ok', { decision: 'denied', by: 'bob' })).rejects.toMatchObject({
      code: 'PLAYBOOK_RUN_STATE',
    });
  });

  it('a denial fails the step: what needs it is skipped and the run fails', async () => {
    const h = await start({ playbooks: { 'a.yml': approvalPb('deny-me', '{ prompt: "Block?", timeout: 10m }') } });
    const runId = runIdOf('deny-me', 'inc-deny');
    await h.responder.dispatch(incident('inc-deny'));
    await waiting(h, runId);
    await h.responder.control.decide(h.responder.playbooks[0], runId, 'ok', { decision: 'denied', by: 'bob', reason: 'it is our scanner' });
    const ended = await runEnded(h, runId);
    expect(ended.vigil.playbook.status).toBe('failed');
    expect(h.hook.calls).toEqual([]);
    expect(find(h.audit, 'playbook.step.failed', { step: 'ok' })[0]?.error).toEqual({
      code: 'PLAYBOOK_APPROVAL_DENIED',
      message: 'denied by bob: it is our scanner',
    });
    expect(find(h.audit, 'playbook.step.skipped').map((d) => d.event.reason)).toEqual(['needs ok, which failed']);
  });

  it('nobody answers: at the timeout the default decision stands, decided by "timeout"', async () => {
    const h = await start({
      playbooks: { 'a.yml': approvalPb('default-approve', '{ prompt: "Block?", timeout: 500ms, default: approve }') },
    });
    const runId = runIdOf('default-approve', 'inc-dflt');
    await h.responder.dispatch(incident('inc-dflt'));
    await runEnded(h, runId);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/block/203.0.113.45']);
    expect(find(h.audit, 'playbook.approval.decided')[0]?.vigil.playbook.approval).toMatchObject({
      decision: 'approved',
      by: 'timeout',
      reason: 'no decision within 500 ms: the default (approve) stands',
    });
  });

  it('refuses a decision on an approval step that has not begun: nobody approves ahead of the question', async () => {
    const h = await start({
      playbooks: {
        'a.yml': pb(
          'too-early',
          'steps:',
          '  - ref: pause',
          '    wait: { for: 10m }',
          '  - ref: ok',
          '    needs: [pause]',
          '    approval: { prompt: "Block?", timeout: 10m }',
        ),
      },
    });
    const runId = runIdOf('too-early', 'inc-early');
    await h.responder.dispatch(incident('inc-early'));
    await waitFor('the wait step began', async () => find(h.audit, 'playbook.step.started', { step: 'pause' })[0], 10_000, 25);
    await expect(h.responder.control.decide(undefined, runId, 'ok', { decision: 'approved', by: 'alice' })).rejects.toMatchObject({
      code: 'PLAYBOOK_RUN_STATE',
      message: expect.stringMatching(/has not begun/),
    });
    await h.responder.control.cancel(runId, 'carol', 'test done');
  });

  it('a cancelled run ends cancelled at the next sweep, with who and why', async () => {
    const h = await start({ playbooks: { 'a.yml': approvalPb('cancel-me', '{ prompt: "Block?", timeout: 10m }') } });
    const runId = runIdOf('cancel-me', 'inc-cancel');
    await h.responder.dispatch(incident('inc-cancel'));
    await waiting(h, runId);
    await h.responder.control.cancel(runId, 'carol', 'false positive');
    const ended = await runEnded(h, runId);
    expect([ended.vigil.playbook.status, ended.event.reason]).toEqual(['cancelled', 'cancelled by carol: false positive']);
    await expect(h.responder.control.decide(undefined, runId, 'ok', { decision: 'approved', by: 'alice' })).rejects.toMatchObject({
      code: 'PLAYBOOK_RUN_STATE',
    });
    expect(h.hook.calls).toEqual([]);
  });
});
