import { afterEach, describe, expect, it } from 'vitest';
import { runIdOf } from '../../playbooks/index.js';
import { HIGH, find, harness, incident, runEnded, sleep, type Harness } from '../support/playbooks.js';

/** Re-runs, inputs and outputs on a real Redis; the audit trail is an in-memory list. */

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});
const start = async (files: Record<string, string>) => {
  const h = await harness({ playbooks: files });
  open.push(h);
  return h;
};
const notify = (id: string, ...extra: string[]) =>
  [
    `id: ${id}`,
    'secrets: [HOOK]',
    HIGH,
    ...extra,
    'steps:',
    '  - ref: call',
    '    action: http.request',
    '    args: { url: "${{ secrets.HOOK }}/${{ $.incident.severity }}/${{ $.incident.status }}" }',
  ].join('\n');

const started = (h: Harness) => find(h.audit, 'playbook.run.started').map((d) => [d.vigil.playbook.run_id, d.event.reason]);

describe('rerun', () => {
  it('on_escalation (the default): runs again when the severity rises, not on other updates or redeliveries', async () => {
    const h = await start({ 'p.yml': notify('esc') });
    await h.responder.dispatch(incident('inc-esc', { version: 1 }));
    await runEnded(h, runIdOf('esc', 'inc-esc'));
    await h.responder.dispatch(incident('inc-esc', { version: 2 })); // more alerts, same severity
    await h.responder.dispatch(incident('inc-esc', { version: 3, status: 'closed' }));
    await h.responder.dispatch(incident('inc-esc', { version: 4, status: 'open' })); // reopened: not this policy's business
    await h.responder.dispatch(incident('inc-esc', { version: 5, severity: 'critical' }));
    await runEnded(h, runIdOf('esc', 'inc-esc', 1));
    await h.responder.dispatch(incident('inc-esc', { version: 5, severity: 'critical' })); // redelivered
    await h.responder.dispatch(incident('inc-esc', { version: 6, severity: 'high' })); // lowered, then…
    await h.responder.dispatch(incident('inc-esc', { version: 7, severity: 'critical' })); // …back: not above the highest it ran for
    await sleep(300);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/high/open', '/critical/open']);
    expect(started(h)).toEqual([
      [runIdOf('esc', 'inc-esc'), 'trigger: incident'],
      [runIdOf('esc', 'inc-esc', 1), 'trigger: escalation'],
    ]);
  });

  it('on_reopen: runs again when a closed incident opens again', async () => {
    const h = await start({ 'p.yml': notify('reo', 'rerun: on_reopen') });
    await h.responder.dispatch(incident('inc-reo', { version: 1 }));
    await runEnded(h, runIdOf('reo', 'inc-reo'));
    await h.responder.dispatch(incident('inc-reo', { version: 2, severity: 'critical' })); // escalation: not this policy's business
    await h.responder.dispatch(incident('inc-reo', { version: 3, status: 'closed' }));
    await h.responder.dispatch(incident('inc-reo', { version: 4, status: 'open' }));
    await runEnded(h, runIdOf('reo', 'inc-reo', 1));
    await h.responder.dispatch(incident('inc-reo', { version: 3, status: 'closed' })); // an old record redelivered…
    await h.responder.dispatch(incident('inc-reo', { version: 4, status: 'open' })); // …and the reopen again: one run
    await sleep(300);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/high/open', '/high/open']);
    expect(started(h).map(([, why]) => why)).toEqual(['trigger: incident', 'trigger: reopen']);
  });

  it('never: one run per incident, whatever happens to it', async () => {
    const h = await start({ 'p.yml': notify('once', 'rerun: never') });
    await h.responder.dispatch(incident('inc-once', { version: 1 }));
    await runEnded(h, runIdOf('once', 'inc-once'));
    await h.responder.dispatch(incident('inc-once', { version: 2, severity: 'critical' }));
    await h.responder.dispatch(incident('inc-once', { version: 3, status: 'closed' }));
    await h.responder.dispatch(incident('inc-once', { version: 4, status: 'open' }));
    await sleep(300);
    expect(h.hook.calls.map((c) => c.path)).toEqual(['/high/open']);
  });
});

describe('inputs and outputs', () => {
  const withInputs = [
    'id: contain',
    'secrets: [HOOK]',
    HIGH,
    'inputs:',
    '  duration: { type: number, default: 3600, description: Seconds to block for }',
    '  notify: { type: boolean, default: true }',
    '  reason: { type: string }',
    'outputs:',
    '  blocked: "${{ $.steps.block.body.rule_id }}"',
    '  notified: "${{ $.steps.nothing.status }}"',
    'steps:',
    '  - ref: block',
    '    action: http.request',
    '    args:',
    '      url: "${{ secrets.HOOK }}/block"',
    '      body: { ip: "${{ $.incident.source.ip }}", seconds: "${{ $.inputs.duration }}", why: "${{ $.inputs.reason ?? null }}" }',
    '  - ref: nothing',
    '    needs: [block]',
    '    run_if: { sel: { inputs.notify: true }, condition: sel }',
    '    action: http.request',
    '    args: { url: "${{ secrets.HOOK }}/notify" }',
  ].join('\n');

  it('a triggered run uses the defaults; a manual run sets inputs by type; outputs end the run', async () => {
    const h = await harness({ playbooks: { 'p.yml': withInputs }, reply: () => ({ status: 200, body: { rule_id: 'r-77' } }) });
    open.push(h);
    await h.responder.dispatch(incident('inc-in'));
    const auto = await runEnded(h, runIdOf('contain', 'inc-in'));
    expect(auto.vigil.playbook.outputs).toEqual({ blocked: 'r-77', notified: 200 });
    expect(h.hook.calls.map((c) => [c.path, c.body])).toEqual([
      ['/block', { ip: '203.0.113.45', seconds: 3600, why: null }],
      ['/notify', undefined],
    ]);

    const pb = h.responder.playbooks[0];
    if (!pb) throw new Error('no playbook');
    const manual = await h.responder.control.start(pb, 'inc-in', { duration: '60', notify: 'false', reason: 'analyst call' }, 'dave');
    const ended = await runEnded(h, manual);
    expect(ended.vigil.playbook.status).toBe('succeeded');
    expect(h.hook.calls.slice(2).map((c) => [c.path, c.body])).toEqual([
      ['/block', { ip: '203.0.113.45', seconds: 60, why: 'analyst call' }],
    ]);
    const begun = find(h.audit, 'playbook.run.started', { run: manual })[0];
    expect(begun?.event.reason).toBe('trigger: manual by dave');
    expect(begun?.vigil.playbook.args).toEqual({ duration: 60, notify: false, reason: 'analyst call' });
    // notify: false skipped the step: its output has no value, so null.
    expect((await h.responder.control.show(manual)).end?.outputs).toEqual({ blocked: 'r-77', notified: null });

    await expect(h.responder.control.start(pb, 'inc-in', { duration: 'soon', colour: 'red' }, 'dave')).rejects.toMatchObject({
      code: 'CLI_USAGE',
      message: 'input "duration" is a number, not "soon"; playbook contain has no input "colour" (inputs: duration, notify, reason)',
    });
    await expect(h.responder.control.start(pb, 'inc-never-seen', {}, 'dave')).rejects.toMatchObject({ code: 'PLAYBOOK_RUN_STATE' });
  });
});
