/** The modifier registry: the names of Sigma 2.1, a summary each, and plans never mutated. */
import { describe, expect, it } from 'vitest';
import { ANY } from '../pattern.js';
import { MODIFIERS, isModifierName, type ModifierName } from './index.js';
import { ModifierError, type ValuePlan } from './types.js';

const SIGMA_2_1: ModifierName[] = [
  'all',
  'startswith',
  'endswith',
  'contains',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
];

describe('registry', () => {
  it("holds every modifier of Sigma 2.1, pySigma long names of the regex flags, and Vigil's 'intel'", () => {
    expect(Object.keys(MODIFIERS).sort()).toEqual([...SIGMA_2_1, 'ignorecase', 'multiline', 'dotall', 'intel'].sort());
  });
  it('derives the names from its keys', () => {
    expect(isModifierName('contains')).toBe(true);
    expect(isModifierName('contians')).toBe(false);
    expect(isModifierName('toString')).toBe(false); // own keys only
  });
  it('gives each modifier a summary', () => {
    for (const m of Object.values(MODIFIERS)) expect(m.summary.length).toBeGreaterThan(10);
  });
  it('never mutates the plan it is given', () => {
    const plan: ValuePlan = Object.freeze({
      values: Object.freeze([
        Object.freeze({ kind: 'pattern' as const, parts: Object.freeze(['x']), cased: false, bytes: false, raw: 'x' }),
      ]),
      join: 'or' as const,
    });
    const ctx = { field: 'f', previous: [] };
    expect(MODIFIERS.contains.apply(plan, ctx).values[0]).toMatchObject({ kind: 'pattern', parts: [ANY, 'x', ANY] });
    for (const m of Object.values(MODIFIERS)) {
      try {
        m.apply(plan, ctx);
      } catch (err) {
        expect(err).toBeInstanceOf(ModifierError);
      }
    }
    expect(plan.values[0]).toEqual({ kind: 'pattern', parts: ['x'], cased: false, bytes: false, raw: 'x' });
  });
});
