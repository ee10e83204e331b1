import { describe, expect, it } from 'vitest';
import { RunControl } from './control.js';
import { parsePlaybook } from './load.js';

/** `trigger: {schedule, timezone}`: what loads, and what a scheduled playbook may not read. */

const scheduled = (trigger: string, ...steps: string[]) =>
  [
    /* 1 */ 'id: hunt',
    /* 2 */ 'secrets: [HOOK]',
    /* 3 */ `trigger: ${trigger}`,
    /* 4 */ 'steps:',
    /* 5 */ '  - ref: report',
    /* 6 */ '    action: http.request',
    ...(steps.length > 0 ? steps : ['    args: { url: "${{ secrets.HOOK }}", body: { at: "${{ $.schedule.at }}" } }']),
  ].join('\n');

const problems = (text: string) => parsePlaybook(text, 'hunt.yml').problems.map((p) => [p.location?.line, p.code, p.message]);

describe('schedule trigger', () => {
  it('compiles a 5-field pattern with a time zone, and a 6-field one with seconds; incidents never match it', () => {
    const r = parsePlaybook(scheduled('{ schedule: "0 9 * * 1-5", timezone: Europe/Berlin }'), 'hunt.yml');
    expect(r.problems).toEqual([]);
    expect(r.playbook?.schedule).toEqual({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' });
    expect(r.playbook?.trigger({ incident: { id: 'i', severity: 'critical' } })).toBe(false);
    expect(parsePlaybook(scheduled('{ schedule: "*/5 * * * * *" }'), 'hunt.yml').playbook?.schedule).toEqual({ cron: '*/5 * * * * *' });
  });

  it('refuses a pattern croner cannot read, a wrong field count and an unknown time zone, at their line', () => {
    expect(problems(scheduled('{ schedule: "61 * * * *" }'))).toEqual([
      [3, 'PLAYBOOK_INVALID', expect.stringMatching(/schedule "61 \* \* \* \*": .*minute/)],
    ]);
    expect(problems(scheduled('{ schedule: "* * *" }'))).toEqual([[3, 'PLAYBOOK_INVALID', expect.stringMatching(/has 3 fields/)]]);
    expect(problems(scheduled('{ schedule: "0 * * * *", timezone: Mars/Olympus }'))).toEqual([
      [3, 'PLAYBOOK_INVALID', 'timezone "Mars/Olympus" is not an IANA time zone'],
    ]);
    expect(problems(scheduled('{ schedule: "0 * * * *", every: 5m }'))).toEqual([
      [3, 'PLAYBOOK_INVALID', expect.stringMatching(/unknown field "every"/)],
    ]);
  });

  it('a scheduled playbook has no incident: args, run_if and wait.until that read one are refused', () => {
    const text = [
      'id: hunt',
      'trigger: { schedule: "0 * * * *" }',
      'steps:',
      '  - ref: report',
      '    run_if: { sel: { incident.severity: high }, condition: sel }',
      '    action: http.request',
      '    args: { url: "https://soc.example.org/${{ $.incident.id }}" }',
      '  - ref: hold',
      '    wait: { until: { path: $.incident.status, equals: closed } }',
    ].join('\n');
    expect(problems(text)).toEqual([
      [7, 'TEMPLATE_INVALID', expect.stringMatching(/\$\.incident\.id .*a scheduled playbook runs with no incident/)],
      [5, 'PLAYBOOK_INVALID', expect.stringMatching(/run_if field "incident.severity": a scheduled playbook runs with no incident/)],
      [9, 'PLAYBOOK_INVALID', expect.stringMatching(/wait.until reads the incident/)],
    ]);
  });

  it('$.schedule is only known to a scheduled playbook', () => {
    const text = [
      'id: p',
      'trigger: { sel: { incident.severity: high }, condition: sel }',
      'steps:',
      '  - ref: report',
      '    action: http.request',
      '    args: { url: "https://soc.example.org/${{ $.schedule.at }}" }',
    ].join('\n');
    expect(problems(text)).toEqual([[6, 'TEMPLATE_INVALID', expect.stringMatching(/\$\.schedule is only known in a scheduled playbook/)]]);
  });

  it('a playbook concurrency is a whole number from 1 to 100', () => {
    expect(parsePlaybook(`${scheduled('{ schedule: "0 * * * *" }')}\nconcurrency: 3`, 'hunt.yml').playbook?.concurrency).toBe(3);
    expect(problems(`${scheduled('{ schedule: "0 * * * *" }')}\nconcurrency: 0`)).toEqual([
      [8, 'PLAYBOOK_INVALID', 'concurrency is a whole number from 1 to 100'],
    ]);
  });

  it('a scheduled playbook is not started by hand on an incident', async () => {
    const pb = parsePlaybook(scheduled('{ schedule: "0 * * * *" }'), 'hunt.yml').playbook;
    if (!pb) throw new Error('did not load');
    // No store or queue is reached: the refusal comes first.
    const control = new RunControl(undefined as never, undefined as never);
    await expect(control.start(pb, 'inc-1', {}, 'dave')).rejects.toMatchObject({
      code: 'PLAYBOOK_RUN_STATE',
      message: expect.stringMatching(/runs on its schedule \(0 \* \* \* \*\) with no incident/),
    });
  });
});
