import { afterEach, describe, expect, it } from 'vitest';
import { find, harness, sleep, type Harness } from '../support/playbooks.js';

/** `trigger: {schedule}` on the real Redis: ticks start runs with no incident, once per tick whatever the number of workers. */

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await h.close();
});

const EVERY_SECOND = [
  'id: heartbeat',
  'secrets: [HOOK]',
  'trigger: { schedule: "* * * * * *" }',
  'outputs: { tick: "${{ $.schedule.at }}" }',
  'steps:',
  '  - ref: report',
  '    action: http.request',
  '    args: { url: "${{ secrets.HOOK }}/report", method: POST, body: { at: "${{ $.schedule.at }}", cron: "${{ $.schedule.cron }}" } }',
].join('\n');

const ticksOf = (h: Harness) => h.hook.calls.map((c) => (c.body as { at: string }).at);

describe('schedule trigger', () => {
  it('runs once per tick of a seconds pattern, with $.schedule and no incident', async () => {
    const h = await harness({ playbooks: { 'p.yml': EVERY_SECOND } });
    open.push(h);
    const from = Date.now();
    await sleep(3_500);
    const until = Date.now();
    await sleep(500); // let the last tick's run finish
    const ticks = ticksOf(h);
    // Every whole second in (from, until] is one tick: 3 or 4 of them in 3.5 s.
    const expected = Math.floor(until / 1000) - Math.floor(from / 1000);
    expect(ticks.length).toBeGreaterThanOrEqual(expected);
    expect(ticks.length).toBeLessThanOrEqual(expected + 1);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const t of ticks) expect(Date.parse(t) % 1000).toBe(0);
    expect(h.hook.calls.every((c) => (c.body as { cron: string }).cron === '* * * * * *')).toBe(true);

    const started = find(h.audit, 'playbook.run.started');
    expect(started.length).toBe(ticks.length);
    expect(started.every((d) => d.vigil.incident === undefined && d.event.reason === 'trigger: schedule')).toBe(true);
    const ended = find(h.audit, 'playbook.run.ended');
    expect(ended.map((d) => d.vigil.playbook.outputs?.tick).sort()).toEqual([...ticks].sort());
  });

  it('two workers on one Redis: each tick runs once', async () => {
    const a = await harness({ playbooks: { 'p.yml': EVERY_SECOND } });
    open.push(a);
    const b = await harness({ playbooks: { 'p.yml': EVERY_SECOND }, prefix: a.prefix, hook: a.hook });
    open.push(b);
    await sleep(4_200);
    const ticks = ticksOf(a);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBe(new Set(ticks).size); // no tick twice
    // Both schedulers fired for the ticks; consecutive ticks are one second apart, none skipped.
    const ms = [...new Set(ticks)].map(Date.parse).sort((x, y) => x - y);
    for (let i = 1; i < ms.length; i++) expect((ms[i] as number) - (ms[i - 1] as number)).toBe(1000);
  });

  it('does not replay ticks missed while no worker ran', async () => {
    const a = await harness({ playbooks: { 'p.yml': EVERY_SECOND } });
    open.push(a);
    await sleep(1_500);
    await a.responder.close(); // down for three seconds: three ticks missed
    const before = ticksOf(a).length;
    const downFrom = Date.now();
    await sleep(3_000);
    // Taken before the second worker starts: its scheduler plans its first tick while it starts,
    // which on a busy machine can be well before the harness returns.
    const upAt = Date.now();
    const b = await harness({ playbooks: { 'p.yml': EVERY_SECOND }, prefix: a.prefix, hook: a.hook });
    open.push(b);
    await sleep(1_600);
    const after = ticksOf(a).slice(before).map(Date.parse);
    expect(after.every((t) => t >= upAt - 1)).toBe(true); // nothing from while it was down…
    expect(after.some((t) => t > downFrom && t < upAt - 1)).toBe(false);
    expect(after.length).toBeGreaterThanOrEqual(1); // …and it goes on from now
    expect(after.length).toBeLessThanOrEqual(Math.ceil((Date.now() - upAt) / 1000) + 1); // one per second since, no burst
  });
});
