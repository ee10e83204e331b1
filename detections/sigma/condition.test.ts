import { describe, expect, it } from 'vitest';
import { compileCondition, expandTarget, parseCondition, tokenize, type ConditionNode } from './condition.js';

/** The AST as a compact string, to assert structure and precedence. */
function show(n: ConditionNode): string {
  switch (n.type) {
    case 'ref':
      return n.name;
    case 'of':
      return `(${n.quantifier} of ${n.target ?? 'them'})`;
    case 'not':
      return `(not ${show(n.arg)})`;
    case 'and':
    case 'or':
      return `(${n.args.map(show).join(` ${n.type} `)})`;
  }
}
const ast = (text: string): string => {
  const r = parseCondition(text);
  if ('error' in r) throw new Error(r.error.message);
  return show(r.ast);
};

describe('tokenize', () => {
  it('splits words and parentheses with offsets', () => {
    expect(tokenize('(a and b*)').map((t) => [t.type, t.text, t.offset])).toEqual([
      ['lparen', '(', 0],
      ['word', 'a', 1],
      ['word', 'and', 3],
      ['word', 'b*', 7],
      ['rparen', ')', 9],
      ['end', '', 10],
    ]);
  });
});

describe('parseCondition: forms and precedence', () => {
  it.each([
    ['selection', 'selection'],
    ['a and b', '(a and b)'],
    ['a or b', '(a or b)'],
    ['not a', '(not a)'],
    ['a and b and c', '(a and b and c)'],
    // or < and < not < x of
    ['a or b and c', '(a or (b and c))'],
    ['a and b or c', '((a and b) or c)'],
    ['not a and b', '((not a) and b)'],
    ['not a or b', '((not a) or b)'],
    ['not 1 of filter*', '(not (1 of filter*))'],
    ['a and not 1 of f_* and not 1 of g_*', '(a and (not (1 of f_*)) and (not (1 of g_*)))'],
    ['not not a', '(not (not a))'],
    ['(a or b) and c', '((a or b) and c)'],
    ['a and (b or (c and not d))', '(a and (b or (c and (not d))))'],
    ['1 of them', '(1 of them)'],
    ['all of them', '(all of them)'],
    ['1 of selection_*', '(1 of selection_*)'],
    ['all of selection*', '(all of selection*)'],
    ['1 of sel', '(1 of sel)'],
    ['all of sel_* or 1 of x*', '((all of sel_*) or (1 of x*))'],
    ['A AND NOT B', '(A and (not B))'], // keywords are case-insensitive
    ['ALL OF Them', '(all of them)'],
    ['filter_main_mdadm.conf', 'filter_main_mdadm.conf'],
    ['  a\n  and b  ', '(a and b)'],
  ])('%j → %s', (text, want) => {
    expect(ast(text)).toBe(want);
  });
});

describe('parseCondition: errors name the position', () => {
  it.each([
    ['', 'the condition is empty', 0],
    ['a and', "expected a search identifier, 'not', '1 of', 'all of' or '(' but found the end of the condition", 5],
    ['a b', "expected 'and', 'or' or the end of the condition but found 'b'", 2],
    ['(a or b', "expected ')' to close the '(' at position 1 but found the end of the condition", 7],
    ['a)', "unmatched ')'", 1],
    ['a and )', "expected a search identifier, 'not', '1 of', 'all of' or '(' but found ')'", 6],
    ['sel*', "the pattern 'sel*' is only allowed after '1 of' or 'all of'", 0],
    ['2 of sel*', "'2 of' is not supported: use '1 of' or 'all of'", 0],
    ['any of sel*', "expected '1' or 'all' before 'of' but found 'any'", 0],
    ['1 of', "expected 'them' or a search identifier pattern after 'of' but found the end of the condition", 4],
    ['1 of (a)', "expected 'them' or a search identifier pattern after 'of' but found '('", 5],
    ['a & b', "unexpected character '&'", 2],
    ['not', "expected a search identifier, 'not', '1 of', 'all of' or '(' but found the end of the condition", 3],
  ])('%j', (text, message, offset) => {
    expect(parseCondition(text)).toEqual({ error: { message, offset } });
  });

  it('marks aggregations as unsupported', () => {
    const r = parseCondition('selection | count() > 5');
    expect(r).toMatchObject({ error: { offset: 10, unsupported: true } });
  });
});

describe('expandTarget', () => {
  const names = ['selection', 'selection_a', 'filter_main', '_internal', 'sel_b'];
  it.each([
    [null, ['selection', 'selection_a', 'filter_main', 'sel_b']], // them excludes _names
    ['selection*', ['selection', 'selection_a']],
    ['sel*', ['selection', 'selection_a', 'sel_b']],
    ['*_a', ['selection_a']],
    ['_*', ['_internal']], // an explicit pattern may name _identifiers
    ['filter_main', ['filter_main']],
    ['nothing*', []],
    ['sel.ction', []], // only * is a wildcard
    ['s*l*n', ['selection']], // stars in the middle, in order
    ['*', ['selection', 'selection_a', 'filter_main', '_internal', 'sel_b']],
    ['selection**', ['selection', 'selection_a']],
    ['sel*ction_a*a', []], // the last literal may not reuse what a middle one matched
  ])('%j', (target, want) => {
    expect(expandTarget(target, names)).toEqual(want);
  });

  it('takes a pattern of any length (V8 refuses a RegExp built from a long enough one)', () => {
    const long = `target_${'D'.repeat(200_000)}*`;
    expect(expandTarget(long, [...names, `target_${'D'.repeat(200_000)}_x`])).toEqual([`target_${'D'.repeat(200_000)}_x`]);
  });
});

describe('compileCondition', () => {
  const names = ['a', 'b', 'c', '_d'];
  const evalWith = (text: string, truth: Record<string, boolean>): boolean => {
    const p = parseCondition(text);
    if ('error' in p) throw new Error(p.error.message);
    const c = compileCondition<Record<string, boolean>>(p.ast, names, (n) => (t) => t[n] ?? false);
    if ('errors' in c) throw new Error(c.errors[0]!.message);
    return c.evaluate(truth);
  };

  it.each([
    ['a and b', { a: true, b: true }, true],
    ['a and b', { a: true, b: false }, false],
    ['a or b', { a: false, b: true }, true],
    ['not a', { a: false }, true],
    ['a or b and c', { a: true }, true], // a or (b and c)
    ['(a or b) and c', { a: true }, false],
    ['not a and b', { a: false, b: true }, true],
    ['not (a and b)', { a: true, b: false }, true],
    ['1 of them', { c: true }, true],
    ['1 of them', { _d: true }, false], // _d is not part of them
    ['all of them', { a: true, b: true, c: true }, true],
    ['all of them', { a: true, b: true, c: true, _d: false }, true],
    ['all of them', { a: true, b: true }, false],
    ['1 of _*', { _d: true }, true],
    ['all of a*', { a: true }, true],
  ])('%s with %j → %s', (text, truth, want) => {
    expect(evalWith(text, truth)).toBe(want);
  });

  it('reports unknown identifiers and empty patterns with their offsets', () => {
    const p = parseCondition('a and zz or 1 of q*');
    if ('error' in p) throw new Error();
    const c = compileCondition(p.ast, names, () => () => true);
    expect(c).toEqual({
      errors: [
        { message: "unknown search identifier 'zz'", offset: 6 },
        { message: "1 of the pattern 'q*' matches no search identifier", offset: 12 },
      ],
    });
  });
});
