import { describe, expect, it } from 'vitest';
import { untilHolds } from './builtin.js';
import { parsePlaybook } from './load.js';

/** The step and trigger language beyond action steps: for_each, on_error, wait, approval, inputs, outputs, rerun, timeouts. */

const HEAD = ['id: lang', 'trigger: { selection: { incident.severity: high }, condition: selection }'];
const parse = (...lines: string[]) => parsePlaybook([...HEAD, ...lines].join('\n'), 'lang.yml');

describe('the language: what a valid playbook compiles to', () => {
  it('reads for_each, concurrency, on_error, wait, approval, inputs, outputs, rerun, timeout and jitter', () => {
    const { playbook, problems } = parse(
      'rerun: on_reopen',
      'timeout: 2h',
      'inputs:',
      '  duration: { type: number, default: 3600 }',
      '  note: { type: string }',
      'outputs:',
      '  ticket: "${{ $.steps.ticket.body.id }}"',
      'steps:',
      '  - ref: ok',
      '    approval: { prompt: "Block ${{ $.incident.source.ip }} for ${{ $.inputs.duration }}s?", timeout: 30m, default: approve }',
      '  - ref: block',
      '    needs: [ok]',
      '    for_each: $.incident.entities.ips',
      '    concurrency: 4',
      '    action: http.request',
      '    args: { url: "https://fw.test/block/${{ $.item }}" }',
      '    retry: { attempts: 3, delay: 1s, jitter: 0.5 }',
      '    on_error: undo',
      '  - ref: undo',
      '    action: http.request',
      '    args: { url: "https://fw.test/undo" }',
      '  - ref: ticket',
      '    needs: [block]',
      '    action: http.request',
      '    args: { url: "https://t.test", body: { note: "${{ $.inputs.note ?? null }}" } }',
      '    on_error: continue',
      '  - ref: settle',
      '    needs: [ticket]',
      '    wait: { until: { path: $.incident.status, equals: closed }, poll: 30s, timeout: 1h }',
    );
    expect(problems.map((p) => p.describe())).toEqual([]);
    expect(playbook?.rerun).toBe('on_reopen');
    expect(playbook?.timeoutMs).toBe(7_200_000);
    expect(playbook?.inputs).toEqual({ duration: { type: 'number', default: 3600 }, note: { type: 'string' } });
    expect(playbook?.outputs.map(([n]) => n)).toEqual(['ticket']);
    expect([...(playbook?.handlers ?? [])]).toEqual(['undo']);
    const block = playbook?.byRef.get('block');
    expect([block?.forEach, block?.concurrency, block?.onError, block?.retry.jitter]).toEqual([
      '$.incident.entities.ips',
      4,
      { handler: 'undo' },
      0.5,
    ]);
    expect(playbook?.byRef.get('ok')).toMatchObject({ action: 'approval', approval: { timeoutMs: 1_800_000, default: 'approve' } });
    expect(playbook?.byRef.get('settle')).toMatchObject({
      action: 'wait',
      wait: { until: { path: '$.incident.status', equals: 'closed' }, pollMs: 30_000, timeoutMs: 3_600_000 },
    });
    expect(playbook?.byRef.get('ticket')?.onError).toBe('continue');
  });

  it('defaults: rerun on_escalation, a 1h run timeout, on_error fail, approval deny, jitter 0.2', () => {
    const { playbook } = parse('steps:', '  - ref: ok', '    approval: { prompt: go? }', '  - ref: w', '    wait: { for: 5s }');
    expect([playbook?.rerun, playbook?.timeoutMs]).toEqual(['on_escalation', 3_600_000]);
    expect(playbook?.byRef.get('ok')).toMatchObject({
      onError: 'fail',
      approval: { default: 'deny', timeoutMs: 3_600_000 },
      retry: { jitter: 0.2 },
    });
    expect(playbook?.byRef.get('w')?.wait).toEqual({ forMs: 5000 });
  });
});

const STEP = ['steps:', '  - ref: a', '    action: http.request', '    args: { url: "https://x.test" }'];
const CASES: Array<{ name: string; lines: string[]; line: number; message: RegExp }> = [
  {
    name: 'two kinds in one step',
    lines: ['steps:', '  - ref: a', '    action: http.request', '    wait: { for: 1s }'],
    line: 4,
    message: /exactly one of action, wait, approval/,
  },
  { name: 'concurrency without for_each', lines: [...STEP, '    concurrency: 2'], line: 7, message: /concurrency goes with for_each/ },
  {
    name: 'concurrency out of range',
    lines: [...STEP, '    for_each: $.incident.ips', '    concurrency: 0'],
    line: 8,
    message: /concurrency is a whole number from 1 to 100/,
  },
  {
    name: '$.item outside for_each',
    lines: ['steps:', '  - ref: a', '    action: http.request', '    args: { url: "https://x.test/${{ $.item }}" }'],
    line: 6,
    message: /\$\.item is only known in a for_each step/,
  },
  {
    name: 'for_each not a JSONPath',
    lines: [...STEP, '    for_each: incident.ips'],
    line: 7,
    message: /for_each: an expression is a JSONPath/,
  },
  {
    name: 'on_error names no step',
    lines: [...STEP, '    on_error: nowhere'],
    line: 7,
    message: /on_error names "nowhere", which is not a step/,
  },
  {
    name: 'on_error not a ref',
    lines: [...STEP, '    on_error: retry later'],
    line: 7,
    message: /on_error is fail, continue or the ref of a step/,
  },
  {
    name: 'a handler with needs',
    lines: [
      ...STEP,
      '    on_error: b',
      '  - ref: b',
      '    needs: [c]',
      '    action: http.request',
      '    args: { url: "https://x.test" }',
      '  - ref: c',
      '    action: http.request',
      '    args: { url: "https://x.test" }',
    ],
    line: 9,
    message: /step "b" is an on_error handler: it has no needs/,
  },
  {
    name: 'a handler needed by a step',
    lines: [
      ...STEP,
      '    on_error: b',
      '  - ref: b',
      '    action: http.request',
      '    args: { url: "https://x.test" }',
      '  - ref: c',
      '    needs: [b]',
      '    action: http.request',
      '    args: { url: "https://x.test" }',
    ],
    line: 12,
    message: /step "b" is an on_error handler and runs only on an error/,
  },
  {
    name: 'retry jitter out of range',
    lines: [...STEP, '    retry: { attempts: 2, jitter: 2 }'],
    line: 7,
    message: /jitter is a number from 0 to 1/,
  },
  {
    name: 'wait with for and until',
    lines: ['steps:', '  - ref: w', '    wait: { for: 1s, until: { path: $.incident.status, equals: closed } }'],
    line: 5,
    message: /wait has exactly one of for and until/,
  },
  {
    name: 'wait until outside the incident',
    lines: ['steps:', '  - ref: w', '    wait: { until: { path: $.steps.a.status, equals: 200 } }'],
    line: 5,
    message: /path is a JSONPath into the incident/,
  },
  {
    name: 'wait until without a test',
    lines: ['steps:', '  - ref: w', '    wait: { until: { path: $.incident.status } }'],
    line: 5,
    message: /until has exactly one of equals, in, exists/,
  },
  {
    name: 'a wait longer than the run',
    lines: ['timeout: 1m', 'steps:', '  - ref: w', '    wait: { for: 2m }'],
    line: 5,
    message: /may wait 120000 ms, longer than the run's timeout \(60000 ms\)/,
  },
  {
    name: 'approval without a prompt',
    lines: ['steps:', '  - ref: ok', '    approval: { timeout: 1m }'],
    line: 5,
    message: /prompt is required/,
  },
  {
    name: 'approval with an unknown default',
    lines: ['steps:', '  - ref: ok', '    approval: { prompt: go?, default: maybe }'],
    line: 5,
    message: /default is approve or deny/,
  },
  { name: 'unknown rerun policy', lines: ['rerun: always', ...STEP], line: 3, message: /rerun is one of never, on_escalation, on_reopen/ },
  {
    name: 'input of an unknown type',
    lines: ['inputs: { n: { type: date } }', ...STEP],
    line: 3,
    message: /type is one of string, number, boolean, list/,
  },
  {
    name: 'input default of the wrong type',
    lines: ['inputs: { n: { type: number, default: soon } }', ...STEP],
    line: 3,
    message: /default is not a number/,
  },
  {
    name: 'undeclared input',
    lines: ['steps:', '  - ref: a', '    action: http.request', '    args: { url: "https://x.test/${{ $.inputs.nope }}" }'],
    line: 6,
    message: /input "nope" is not declared in inputs/,
  },
  {
    name: 'output reading no step',
    lines: ['outputs: { id: "${{ $.steps.ghost.id }}" }', ...STEP],
    line: 3,
    message: /"ghost" is not a step of this playbook/,
  },
  { name: 'run timeout not a duration', lines: ['timeout: soon', ...STEP], line: 3, message: /timeout "soon" is not a duration/ },
];

describe('the language: one negative fixture per problem, with its line', () => {
  it.each(CASES)('$name', ({ lines, line, message }) => {
    const { playbook, problems } = parse(...lines);
    expect(playbook).toBeUndefined();
    const found = problems.find((p) => message.test(p.message));
    expect(found, `no ${message} in:\n${problems.map((p) => p.describe()).join('\n')}`).toBeDefined();
    expect(found?.location).toMatchObject({ file: 'lang.yml', line });
  });
});

describe('wait until', () => {
  const inc = { status: 'acknowledged', assignee: null, tags: ['a'] };
  it.each([
    [{ path: '$.incident.status', equals: 'acknowledged' }, true],
    [{ path: '$.incident.status', equals: 'closed' }, false],
    [{ path: '$.incident.status', in: ['closed', 'acknowledged'] }, true],
    [{ path: '$.incident.assignee', exists: true }, false],
    [{ path: '$.incident.assignee', exists: false }, true],
    [{ path: '$.incident.missing.deep', exists: false }, true],
    [{ path: '$.incident.tags', exists: true }, true],
  ])('case %#', (until, holds) => {
    expect(untilHolds(until, inc)).toBe(holds);
  });
});
