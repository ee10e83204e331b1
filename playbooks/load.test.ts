import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorCode, VigilError } from '../core/errors/index.js';
import { loadPlaybooks, parsePlaybook } from './load.js';
import { DEFAULT_RETRY, DEFAULT_STEP_TIMEOUT_MS } from './schema.js';

// Line numbers below refer to this text; variants replace single lines so that they stay put.
const BASE = [
  /*  1 */ 'id: base',
  /*  2 */ 'secrets: [TOKEN]',
  /*  3 */ 'trigger:',
  /*  4 */ '  selection: { incident.severity: high }',
  /*  5 */ '  condition: selection',
  /*  6 */ 'steps:',
  /*  7 */ '  - ref: first',
  /*  8 */ '    action: http.request',
  /*  9 */ '    args: { url: "${{ secrets.TOKEN }}" }',
  /* 10 */ '  - ref: second',
  /* 11 */ '    needs: [first]',
  /* 12 */ '    action: http.request',
  /* 13 */ '    args:',
  /* 14 */ '      url: "http://example.test/${{ $.steps.first.status }}"',
];

/** BASE with some lines replaced (1-based). */
function variant(replace: Record<number, string>): string {
  return BASE.map((line, i) => replace[i + 1] ?? line).join('\n');
}

function problemsOf(text: string, options = {}): VigilError[] {
  const r = parsePlaybook(text, 'fixture.yml', options);
  if (r.problems.length > 0) expect(r.playbook).toBeUndefined();
  return r.problems;
}

describe('parsePlaybook: a valid playbook', () => {
  it('compiles the base fixture with defaults', () => {
    const r = parsePlaybook(BASE.join('\n'), 'fixture.yml', { secrets: ['TOKEN'] });
    expect(r.problems.map((p) => p.describe())).toEqual([]);
    const pb = r.playbook;
    expect(pb?.id).toBe('base');
    expect(pb?.steps.map((s) => [s.ref, s.needs, s.line])).toEqual([
      ['first', [], 7],
      ['second', ['first'], 10],
    ]);
    expect(pb?.steps[0]?.retry).toEqual(DEFAULT_RETRY);
    expect(pb?.steps[0]?.timeoutMs).toBe(DEFAULT_STEP_TIMEOUT_MS);
    expect(pb?.steps[0]?.allowHosts).toEqual([]);
    expect(pb?.trigger({ incident: { severity: 'high' } })).toBe(true);
    expect(pb?.trigger({ incident: { severity: 'low' } })).toBe(false);
    expect(Object.isFrozen(pb)).toBe(true);
  });

  it('reads retry, timeout and run_if, and allows needs to name a later step', () => {
    const text = [
      'id: ordered',
      'trigger: { selection: { incident.severity: high }, condition: selection }',
      'steps:',
      '  - ref: late',
      '    needs: [early]',
      '    run_if: { sel: { steps.early.status: 200 }, condition: sel }',
      '    action: http.request',
      '    args: { url: "http://x.test/${{ $.steps.early.body.id }}" }',
      '    retry: { attempts: 3, backoff: exponential, delay: 2s }',
      '    timeout: 5m',
      '  - ref: early',
      '    action: http.request',
      '    args: { url: "http://x.test" }',
    ].join('\n');
    const r = parsePlaybook(text, 'ordered.yml');
    expect(r.problems.map((p) => p.describe())).toEqual([]);
    const late = r.playbook?.byRef.get('late');
    expect(late?.retry).toEqual({ attempts: 3, backoff: 'exponential', delayMs: 2000, jitter: 0.2 });
    expect(late?.timeoutMs).toBe(300_000);
    expect(late?.runIf?.({ incident: {}, steps: { early: { status: 200 } } })).toBe(true);
    expect(late?.runIf?.({ incident: {}, steps: { early: { status: 500 } } })).toBe(false);
  });

  it('collects every problem of a file at once', () => {
    const problems = problemsOf(variant({ 8: '    action: http.nope', 11: '    needs: [zeroth]' }));
    expect(problems.map((p) => p.location?.line).sort()).toEqual([11, 14, 8].sort());
  });

  it('refuses a line over 65,536 characters, on which the YAML parser would spend seconds', () => {
    const text = [...BASE.slice(0, 3), `description: '${'x['.repeat(120_000)}`, ...BASE.slice(3)].join('\n');
    const r = parsePlaybook(text, 'long.yml');
    expect(r.playbook).toBeUndefined();
    expect(r.problems.map((p) => [p.code, p.location?.line, p.message])).toEqual([
      ['PLAYBOOK_INVALID', 4, 'not valid YAML: line 4 is 240014 characters long; a YAML line may have at most 65536'],
    ]);
  });
});

interface Case {
  name: string;
  text: string;
  code: ErrorCode;
  line: number;
  message: RegExp;
  options?: { secrets?: string[] };
}

const CASES: Case[] = [
  // YAML and shape
  { name: 'invalid YAML', text: variant({ 9: '    args: { url: "x" ' }), code: 'PLAYBOOK_INVALID', line: 10, message: /not valid YAML/ },
  {
    name: 'duplicate key',
    text: variant({ 12: '    action: http.request', 13: '    action: http.request' }),
    code: 'PLAYBOOK_INVALID',
    line: 13,
    message: /not valid YAML.*unique/,
  },
  { name: 'not a mapping', text: '- just\n- a list', code: 'PLAYBOOK_INVALID', line: 1, message: /a playbook is a mapping/ },
  { name: 'missing id', text: variant({ 1: '# no id' }), code: 'PLAYBOOK_INVALID', line: 2, message: /id is required/ },
  { name: 'bad id', text: variant({ 1: 'id: "has space"' }), code: 'PLAYBOOK_INVALID', line: 1, message: /id "has space" may hold/ },
  {
    name: 'unknown top-level field',
    text: variant({ 2: 'secret: [TOKEN]' }),
    code: 'PLAYBOOK_INVALID',
    line: 2,
    message: /unknown field "secret"/,
  },
  {
    name: 'bad secret name',
    text: variant({ 2: 'secrets: [TOKEN, "not-a-name"]' }),
    code: 'PLAYBOOK_INVALID',
    line: 2,
    message: /secret name/,
  },
  {
    name: 'missing trigger',
    text: variant({ 3: '# none', 4: '# none', 5: '# none' }),
    code: 'PLAYBOOK_INVALID',
    line: 1,
    message: /trigger is required/,
  },
  {
    name: 'empty steps',
    text: BASE.slice(0, 5).join('\n') + '\nsteps: []',
    code: 'PLAYBOOK_INVALID',
    line: 6,
    message: /steps is required, a non-empty list/,
  },
  {
    name: 'step not a mapping',
    text: variant({ 10: '  - second', 11: '  # -', 12: '  # -', 13: '  # -', 14: '  # -' }),
    code: 'PLAYBOOK_INVALID',
    line: 10,
    message: /a step is a mapping/,
  },
  { name: 'bad ref', text: variant({ 10: '  - ref: 2nd' }), code: 'PLAYBOOK_INVALID', line: 10, message: /ref is required/ },
  {
    name: 'unknown step field',
    text: variant({ 11: '    need: [first]' }),
    code: 'PLAYBOOK_INVALID',
    line: 11,
    message: /unknown field "need"/,
  },
  {
    name: 'missing action',
    text: variant({ 8: '    # no action' }),
    code: 'PLAYBOOK_INVALID',
    line: 7,
    message: /exactly one of action, wait, approval/,
  },
  {
    name: 'unknown action',
    text: variant({ 8: '    action: http.nope' }),
    code: 'PLAYBOOK_INVALID',
    line: 8,
    message: /unknown action "http.nope" \(known: http.request, /,
  },
  {
    name: 'unknown argument',
    text: variant({ 9: '    args: { url: "http://x.test", verb: GET }' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /no argument "verb"/,
  },
  {
    name: 'missing argument',
    text: variant({ 9: '    args: { method: GET }' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /needs argument "url"/,
  },
  {
    name: 'bad timeout',
    text: variant({ 9: '    timeout: soon' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /timeout "soon" is not a duration/,
  },
  {
    name: 'allow_hosts entry',
    text: variant({ 9: '    allow_hosts: [siem.internal, "http://10.0.0.5/"]' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /allow_hosts entry "http:\/\/10\.0\.0\.5\/" is a host name, an IP address or a network/,
  },
  {
    name: 'allow_hosts not a list',
    text: variant({ 9: '    allow_hosts: 10.0.0.0/8' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /allow_hosts is a list/,
  },
  {
    name: 'retry attempts',
    text: variant({ 9: '    retry: { attempts: 0 }' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /attempts is a whole number/,
  },
  {
    name: 'retry backoff',
    text: variant({ 9: '    retry: { backoff: linear }' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /backoff is fixed or exponential/,
  },
  {
    name: 'retry delay',
    text: variant({ 9: '    retry: { delay: 2 minutes }' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /delay "2 minutes" is not a duration/,
  },
  {
    name: 'retry unknown field',
    text: variant({ 9: '    retry: { tries: 2 }' }),
    code: 'PLAYBOOK_INVALID',
    line: 9,
    message: /unknown field "tries"/,
  },
  // graph
  { name: 'needs not a list', text: variant({ 11: '    needs: first' }), code: 'PLAYBOOK_INVALID', line: 11, message: /needs is a list/ },
  {
    name: 'needs names no step',
    text: variant({ 11: '    needs: [zeroth]' }),
    code: 'PLAYBOOK_INVALID',
    line: 11,
    message: /needs "zeroth", which is not a step/,
  },
  {
    name: 'duplicate ref',
    text: variant({ 10: '  - ref: first' }),
    code: 'PLAYBOOK_INVALID',
    line: 10,
    message: /duplicate step ref "first" \(first at steps\[0\]\)/,
  },
  {
    name: 'self need',
    text: variant({ 11: '    needs: [second]' }),
    code: 'PLAYBOOK_INVALID',
    line: 11,
    message: /cycle: second → second/,
  },
  {
    name: 'cycle',
    text: variant({
      7: '  - { ref: first, action: http.request, needs: [second], args: { url: "http://x.test" } }',
      8: '  # -',
      9: '  # -',
    }),
    code: 'PLAYBOOK_INVALID',
    line: 11,
    message: /cycle: first → second → first/,
  },
  // templates
  {
    name: 'unterminated template',
    text: variant({ 14: '      url: "http://x.test/${{ $.incident.id"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /unterminated/,
  },
  {
    name: 'empty expression',
    text: variant({ 14: '      url: "http://x.test/${{ }}"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /empty expression/,
  },
  {
    name: 'not a JSONPath',
    text: variant({ 14: '      url: "${{ incident.id }}"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /JSONPath starting with \$\.incident/,
  },
  {
    name: 'unknown root',
    text: variant({ 14: '      url: "${{ $.event.id }}"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /starts with \$\.incident, \$\.steps/,
  },
  {
    name: 'filter script',
    text: variant({ 14: '      url: "${{ $.incident.tags[?(@.length > 1)] }}"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /script expressions are not allowed/,
  },
  {
    name: 'recursive descent',
    text: variant({ 14: '      url: "${{ $..id }}"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /unsupported JSONPath segment/,
  },
  {
    name: 'unknown step in template',
    text: variant({ 14: '      url: "${{ $.steps.third.status }}"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /"third" is not a step/,
  },
  {
    name: 'step read without need',
    text: variant({ 11: '    needs: []' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /reads step "first" but does not need it/,
  },
  {
    name: 'undeclared secret',
    text: variant({ 14: '      url: "${{ secrets.OTHER }}"' }),
    code: 'TEMPLATE_INVALID',
    line: 14,
    message: /secret "OTHER" is not declared/,
  },
  {
    name: 'unconfigured secret',
    text: BASE.join('\n'),
    options: { secrets: ['SOMETHING_ELSE'] },
    code: 'PLAYBOOK_INVALID',
    line: 2,
    message: /secret "TOKEN" is not configured/,
  },
  // conditions
  {
    name: 'trigger field outside the incident',
    text: variant({ 4: '  selection: { rule.tags|contains: attack.execution }' }),
    code: 'PLAYBOOK_INVALID',
    line: 4,
    message: /trigger field "rule.tags": .*incident\.<field>/,
  },
  {
    name: 'trigger not a detection',
    text: variant({ 5: '  condition: selection and missing' }),
    code: 'PLAYBOOK_INVALID',
    line: 5,
    message: /unknown search identifier 'missing'/,
  },
  {
    name: 'run_if reads an unneeded step',
    text: variant({ 11: '    run_if: { sel: { steps.first.status: 200 }, condition: sel }', 14: '      url: "http://x.test"' }),
    code: 'PLAYBOOK_INVALID',
    line: 11,
    message: /run_if field "steps.first.status": .*does not need it/,
  },
  {
    name: 'run_if field outside the context',
    text: variant({ 11: '    run_if: { sel: { severity: high }, condition: sel }', 14: '      url: "http://x.test"' }),
    code: 'PLAYBOOK_INVALID',
    line: 11,
    message: /run_if field "severity"/,
  },
];

describe('parsePlaybook: one negative fixture per problem, with its line', () => {
  it.each(CASES)('$name', ({ text, code, line, message, options }) => {
    const problems = problemsOf(text, options);
    const found = problems.find((p) => p.code === code && message.test(p.message));
    expect(found, `no ${code} ${message} in:\n${problems.map((p) => p.describe()).join('\n')}`).toBeDefined();
    expect(found?.location?.file).toBe('fixture.yml');
    expect(found?.location?.line).toBe(line);
  });
});

describe('loadPlaybooks', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('loads the good files of a folder despite bad ones, and refuses a duplicate id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-pb-'));
    dirs.push(dir);
    await writeFile(join(dir, 'a.yml'), BASE.join('\n'));
    await writeFile(join(dir, 'b.yaml'), variant({ 8: '    action: http.nope' }).replace('id: base', 'id: broken'));
    await writeFile(join(dir, 'c.yml'), BASE.join('\n'));
    await writeFile(join(dir, 'notes.txt'), 'not a playbook');
    const r = await loadPlaybooks([dir, join(dir, 'missing.yml')], { secrets: ['TOKEN'] });
    expect(r.playbooks.map((p) => p.id)).toEqual(['base']);
    expect(r.problems.map((p) => [p.code, p.location?.file, p.location?.line])).toEqual([
      ['CONFIG_READ', join(dir, 'missing.yml'), undefined],
      ['PLAYBOOK_INVALID', join(dir, 'b.yaml'), 8],
      ['PLAYBOOK_INVALID', join(dir, 'c.yml'), 1],
    ]);
    expect(r.problems[2]?.message).toMatch(/duplicate playbook id "base"/);
  });

  it('loads the shipped playbooks without a problem, and not their test files', async () => {
    const secrets = ['SOC_WEBHOOK_URL', 'FW_SSH_KEY', 'KEYCLOAK_CLIENT_SECRET', 'OKTA_API_TOKEN', 'JIRA_API_TOKEN', 'FALCON_CLIENT_SECRET'];
    secrets.push('SLACK_BOT_TOKEN', 'VT_API_KEY', 'ABUSEIPDB_KEY', 'PAGERDUTY_ROUTING_KEY');
    const r = await loadPlaybooks(['rules/playbooks'], { secrets });
    expect(r.problems.map((p) => p.describe())).toEqual([]);
    expect(r.playbooks.map((p) => p.id)).toContain('notify-soc-webhook');
    expect(r.playbooks.map((p) => p.file).filter((f) => f.includes('.tests.'))).toEqual([]);
  });
});
