import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../core/errors/index.js';
import { REDACTED, compileTemplate, parseExpr, redactor, renderTemplate, type RunContext } from './template.js';

const ctx: RunContext = {
  incident: {
    id: 'inc-1',
    count: 3,
    open: true,
    closed_at: null,
    host: { name: 'web-01' },
    rule: { tags: ['attack.privilege_escalation', 'attack.t1548.003'] },
    '@timestamp': '2026-01-02T03:04:05Z',
  },
  steps: { notify: { status: 200, body: { ticket: 'T-9' } } },
};
const secrets = { TOKEN: 's3cr3t-value', URL: 'https://hooks.example.test/T0KEN' };

function render(value: unknown, redactSecrets = false): unknown {
  const c = compileTemplate(value);
  expect(c.problems).toEqual([]);
  return renderTemplate(c.template, ctx, secrets, { where: 'step test', redactSecrets });
}

describe('templates: values', () => {
  it.each([
    ['${{ $.incident.count }}', 3],
    ['${{ $.incident.open }}', true],
    ['${{ $.incident.closed_at }}', null],
    ['${{ $.incident.host }}', { name: 'web-01' }],
    ['${{ $.incident.rule.tags }}', ['attack.privilege_escalation', 'attack.t1548.003']],
    ['${{ $.incident.rule.tags[1] }}', 'attack.t1548.003'],
    ['${{$.steps.notify.status}}', 200],
    ["${{ $.incident['@timestamp'] }}", '2026-01-02T03:04:05Z'],
    ['${{ $.incident.rule.tags[*] }}', ['attack.privilege_escalation', 'attack.t1548.003']],
  ])('a string that is only %s keeps the type', (tpl, expected) => {
    expect(render(tpl)).toEqual(expected);
  });

  it('stringifies embedded expressions', () => {
    expect(render('[${{ $.incident.count }}] ${{ $.incident.host.name }}: ${{ $.incident.open }} ${{ $.incident.closed_at }}')).toBe(
      '[3] web-01: true null',
    );
    expect(render('host=${{ $.incident.host }}')).toBe('host={"name":"web-01"}');
    expect(render(' ${{ $.incident.count }}')).toBe(' 3');
  });

  it('renders nested objects and lists, and leaves plain values alone', () => {
    const args = {
      url: 'http://x.test/${{ $.incident.id }}',
      body: { n: '${{ $.incident.count }}', list: ['${{ $.steps.notify.body.ticket }}', 7, false], cost: '$5 {{ not a template }}' },
    };
    expect(render(args)).toEqual({ url: 'http://x.test/inc-1', body: { n: 3, list: ['T-9', 7, false], cost: '$5 {{ not a template }}' } });
  });

  it('reports what it uses, for the loader to check', () => {
    const c = compileTemplate({ a: '${{ $.steps.notify.status }}', b: ['x ${{ secrets.TOKEN }}'] });
    expect(c.exprs.map((e) => [e.expr.kind, e.path])).toEqual([
      ['path', ['a']],
      ['secret', ['b', 0]],
    ]);
  });
});

describe('templates: a missing value', () => {
  it('is TEMPLATE_INVALID naming the step, the expression and where it sits', () => {
    const c = compileTemplate({ body: { user: '${{ $.incident.user.name }}' } });
    let err: unknown;
    try {
      renderTemplate(c.template, ctx, secrets, { where: 'playbook p step notify' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigilError);
    const v = err as VigilError;
    expect(v.code).toBe('TEMPLATE_INVALID');
    expect(v.retriable).toBe(false);
    expect(v.message).toBe('playbook p step notify: ${{ $.incident.user.name }} has no value (in args.body.user)');
  });

  it('covers embedded expressions, unknown steps and unset secrets too', () => {
    for (const tpl of ['x ${{ $.incident.nope }}', '${{ $.steps.other.status }}', '${{ secrets.UNSET }}']) {
      const c = compileTemplate(tpl);
      expect(() => renderTemplate(c.template, ctx, secrets, { where: 'w' })).toThrow(/has no value/);
    }
  });

  it('does not reach the prototype chain', () => {
    const c = compileTemplate('${{ $.incident.id.constructor }}');
    expect(() => renderTemplate(c.template, ctx, secrets, { where: 'w' })).toThrow(/has no value/);
  });
});

describe('templates: refused expressions', () => {
  it.each([
    ['$.incident.rule.tags[?(@.startsWith("attack"))]', /script expressions are not allowed/],
    ['$.incident.rule.tags[(@.length-1)]', /script expressions are not allowed/],
    ['$..id', /unsupported JSONPath segment/],
    ['$.incident.rule.tags[0:1]', /unsupported JSONPath segment/],
    ['$.incident.rule.tags[0,1]', /unsupported JSONPath segment/],
    ['$.incident.host^', /unsupported JSONPath segment/],
    ['$.incident.host.@string()', /unsupported JSONPath segment/],
    ['$.i#1.id', /unsupported JSONPath/], // jsonpath-plus leaves a hole for `#`: threw a TypeError
    ['$.steps.contain.a#b ?? null', /unsupported JSONPath/],
    ['$.steps', /followed by a step ref/],
    ['$.event.id', /starts with \$\.incident, \$\.steps/],
    ['incident.id', /JSONPath starting with/],
    ['secrets.not-a-name', /secret name/],
    ['process.env.HOME', /JSONPath starting with/],
  ])('%s', (source, why) => {
    const parsed = parseExpr(source);
    expect(typeof parsed).toBe('string');
    expect(parsed).toMatch(why);
    expect(compileTemplate(`\${{ ${source} }}`).problems[0]?.message).toMatch(why);
  });

  it('flags an unterminated ${{', () => {
    expect(compileTemplate({ u: 'http://x/${{ $.incident.id' }).problems).toEqual([
      { path: ['u'], message: 'unterminated ${{ in "http://x/${{ $.incident.id"' },
    ]);
  });

  it('jsonpath-plus with eval: false refuses a script on its own (the second line of defence)', () => {
    expect(() => JSONPath({ path: '$.incident.rule.tags[?(@ === "x")]', json: ctx, eval: false })).toThrow(/Eval \[\?\(expr\)\] prevented/);
    expect(() => JSONPath({ path: '$.incident[(@.id)]', json: ctx, eval: false })).toThrow(/prevented/);
  });
});

describe('templates: secrets', () => {
  it('render to their value for the action, and to [REDACTED] for the audit', () => {
    const args = {
      url: '${{ secrets.URL }}/tickets/${{ $.incident.id }}',
      headers: { authorization: 'Bearer ${{ secrets.TOKEN }}' },
      key: '${{ secrets.TOKEN }}',
    };
    expect(render(args)).toEqual({
      url: 'https://hooks.example.test/T0KEN/tickets/inc-1',
      headers: { authorization: 'Bearer s3cr3t-value' },
      key: 's3cr3t-value',
    });
    expect(render(args, true)).toEqual({
      url: `${REDACTED}/tickets/inc-1`,
      headers: { authorization: `Bearer ${REDACTED}` },
      key: REDACTED,
    });
  });

  it('are scrubbed out of anything else that is written down', () => {
    const redact = redactor({ ...secrets, EMPTY: '' });
    const echoed = { message: 'POST https://hooks.example.test/T0KEN failed', list: ['token s3cr3t-value'], ['s3cr3t-value']: 1, n: 5 };
    expect(redact(echoed)).toEqual({ message: `POST ${REDACTED} failed`, list: [`token ${REDACTED}`], [REDACTED]: 1, n: 5 });
    expect(redact('nothing secret')).toBe('nothing secret');
    expect(redactor({})({ a: 's3cr3t-value' })).toEqual({ a: 's3cr3t-value' });
  });

  it('are replaced whole when one contains another', () => {
    const redact = redactor({ A: 'abc', B: 'xxabcxx' });
    expect(redact('-xxabcxx-abc-')).toBe(`-${REDACTED}-${REDACTED}-`);
  });
});

describe('templates: ?? fallback', () => {
  it('is used only when the path finds nothing', () => {
    expect(render('${{ $.incident.user.name ?? null }}')).toBeNull();
    expect(render('${{ $.incident.user.name ?? "nobody" }}')).toBe('nobody');
    expect(render('${{ $.incident.missing??0 }}')).toBe(0);
    expect(render('${{ $.incident.host.name ?? "x" }}')).toBe('web-01');
    expect(render('${{ $.incident.closed_at ?? "x" }}')).toBeNull();
    expect(render('user=${{ $.incident.user.name ?? "nobody" }}')).toBe('user=nobody');
  });

  it.each([
    ['$.incident.user.name ?? nobody', /JSON scalar/],
    ['$.incident.user.name ?? {"a":1}', /JSON scalar/],
    ['$.incident.user.name ??', /JSON scalar/],
    ['secrets.TOKEN ?? "x"', /no \?\? fallback/],
    ['$.incident.tags[?(@ ?? 1)] ?? 1', /script expressions/],
  ])('refuses %s', (source, why) => {
    expect(parseExpr(source)).toMatch(why);
  });
});

describe('templates: URL secrets', () => {
  it('redact the path, query and password of a URL secret on their own too', () => {
    const redact = redactor({ HOOK: 'https://user:p%40ss@hooks.example.test/services/T0/B1/xyz?token=abc' });
    expect(redact('echo /services/T0/B1/xyz?token=abc')).toBe(`echo ${REDACTED}`);
    expect(redact('path /services/T0/B1/xyz only')).toBe(`path ${REDACTED} only`);
    expect(redact('token=abc')).toBe(REDACTED);
    expect(redact('pw p@ss and p%40ss')).toBe(`pw ${REDACTED} and ${REDACTED}`);
    expect(redact('https://hooks.example.test/ is public')).toBe('https://hooks.example.test/ is public');
    expect(redactor({ BARE: 'https://hooks.example.test/' })('https://hooks.example.test/x')).toBe(`${REDACTED}x`);
  });
});
