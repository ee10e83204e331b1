import { afterEach, describe, expect, it } from 'vitest';
import { runIdOf } from '../../playbooks/index.js';
import { HIGH, find, harness, incident, runEnded, type Harness } from '../support/playbooks.js';

/** Action rate limits shared by every worker through Redis, and a run's `concurrency`, on the real Redis. */

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await h.close();
});

const fanOut = (id: string, ...extra: string[]) =>
  [
    `id: ${id}`,
    'secrets: [HOOK]',
    HIGH,
    ...extra,
    'steps:',
    '  - ref: call',
    '    for_each: $.incident.entities.ips',
    '    concurrency: 3',
    '    action: http.request',
    '    args: { url: "${{ secrets.HOOK }}/${{ $.incident.id }}/${{ $.item }}" }',
    '    timeout: 2s',
  ].join('\n');

/** The most calls the target saw within any window of `ms`. */
const mostWithin = (times: number[], ms: number) => {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while ((t[i] as number) - (t[j] as number) >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
};

describe('rate limits', () => {
  it('holds an action to its configured rate across two workers; waiting fails nothing and uses no retry', async () => {
    const limits = { 'http.request': { perSecond: 2 } };
    const a = await harness({ playbooks: { 'p.yml': fanOut('limited') }, rateLimits: limits });
    open.push(a);
    const b = await harness({ playbooks: { 'p.yml': fanOut('limited') }, rateLimits: limits, prefix: a.prefix, hook: a.hook });
    open.push(b);
    // Four runs of three calls each (12 calls), dispatched on both workers: at 2/s that is over 5 s.
    const ids = ['rl-1', 'rl-2', 'rl-3', 'rl-4'];
    await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).responder.dispatch(incident(id))));
    // Either worker may run any step: the audit trail is both of theirs.
    const both = {
      get audit() {
        return [...a.audit, ...b.audit];
      },
    };
    const ended = await Promise.all(ids.map((id) => runEnded(both, runIdOf('limited', id), 30_000)));

    expect(a.hook.calls.length).toBe(12);
    const times = a.hook.calls.map((c) => c.at);
    // GCRA at 2/s: a burst of 2, then one call every 500 ms: at most 2 + 2 in any second, and
    // the 10 calls after the burst take 5 s (less a little for the target's clock).
    expect(mostWithin(times, 1000)).toBeLessThanOrEqual(4);
    expect(mostWithin(times, 3000)).toBeLessThanOrEqual(8);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(4_400);
    // Each step waited well past its 2 s timeout, and still succeeded on its first attempt.
    for (const e of ended) expect(e.vigil.playbook.status).toBe('succeeded');
    const settled = find(both.audit, 'playbook.step.succeeded');
    expect(settled.length).toBe(4);
    expect(settled.every((d) => d.vigil.playbook.attempt === 1)).toBe(true);
    expect(find(both.audit, 'playbook.step.failed')).toEqual([]);
  });

  it('without a limit the same calls go out at once (the control)', async () => {
    const h = await harness({ playbooks: { 'p.yml': fanOut('free') } });
    open.push(h);
    await Promise.all(['fr-1', 'fr-2'].map((id) => h.responder.dispatch(incident(id))));
    await Promise.all(['fr-1', 'fr-2'].map((id) => runEnded(h, runIdOf('free', id))));
    expect(
      mostWithin(
        h.hook.calls.map((c) => c.at),
        1000,
      ),
    ).toBe(6);
  });
});

describe('run concurrency', () => {
  const parallel = (cap: string | undefined) =>
    [
      'id: par',
      'secrets: [HOOK]',
      HIGH,
      ...(cap ? [cap] : []),
      'steps:',
      ...['a', 'b', 'c', 'd'].flatMap((ref) => [
        `  - ref: ${ref}`,
        '    action: http.request',
        `    args: { url: "\${{ secrets.HOOK }}/${ref}" }`,
      ]),
    ].join('\n');
  const slow = () => ({ status: 200, delayMs: 400 });

  it('concurrency: 2 runs at most two of four independent steps at once', async () => {
    const h = await harness({ playbooks: { 'p.yml': parallel('concurrency: 2') }, reply: slow });
    open.push(h);
    await h.responder.dispatch(incident('par-1'));
    const end = await runEnded(h, runIdOf('par', 'par-1'));
    expect(end.vigil.playbook.status).toBe('succeeded');
    expect(h.hook.calls.length).toBe(4);
    expect(h.hook.maxInFlight()).toBe(2);
    expect(find(h.audit, 'playbook.step.succeeded').every((d) => d.vigil.playbook.attempt === 1)).toBe(true);
  });

  it('without it, the four run together (the control)', async () => {
    const h = await harness({ playbooks: { 'p.yml': parallel(undefined) }, reply: slow });
    open.push(h);
    await h.responder.dispatch(incident('par-2'));
    await runEnded(h, runIdOf('par', 'par-2'));
    expect(h.hook.maxInFlight()).toBe(4);
  });
});
