import { describe, expect, it } from 'vitest';
import { check, int, jsonSchema, obj, str, type FieldIssue } from './schema.js';

const shape = obj('A body.', {
  reason: str('Why.', { minLength: 1, maxLength: 5 }),
  limit: int('How many.', { optional: true, minimum: 1 }),
  kind: str('Which.', { optional: true, enum: ['a', 'b'] }),
});

const run = (value: unknown, fromQuery = false) => {
  const issues: FieldIssue[] = [];
  const out = check(shape, value, '', issues, fromQuery);
  return { out, issues };
};

describe('check', () => {
  it('returns the value of a valid body', () => {
    expect(run({ reason: 'ok', limit: 2 })).toEqual({ out: { reason: 'ok', limit: 2 }, issues: [] });
  });

  it('names every field at fault', () => {
    expect(run({ reason: '', limit: 0, kind: 'c', other: 1 }).issues).toEqual([
      { field: 'other', message: 'is not a known field' },
      { field: 'reason', message: 'must not be empty' },
      { field: 'limit', message: 'must be at least 1' },
      { field: 'kind', message: 'must be one of a, b' },
    ]);
    expect(run({}).issues).toEqual([{ field: 'reason', message: 'is required' }]);
    expect(run([1]).issues).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it('reads numbers from a query string, but not from a body', () => {
    expect(run({ reason: 'x', limit: '3' }, true).out).toEqual({ reason: 'x', limit: 3 });
    expect(run({ reason: 'x', limit: '3' }).issues).toEqual([{ field: 'limit', message: 'must be a whole number' }]);
  });
});

describe('jsonSchema', () => {
  it('says the same as the checks: required fields, bounds, enums, no other fields', () => {
    expect(jsonSchema(shape)).toEqual({
      description: 'A body.',
      type: 'object',
      additionalProperties: false,
      required: ['reason'],
      properties: {
        reason: { description: 'Why.', type: 'string', minLength: 1, maxLength: 5 },
        limit: { description: 'How many.', type: 'integer', minimum: 1 },
        kind: { description: 'Which.', type: 'string', enum: ['a', 'b'] },
      },
    });
  });
});
