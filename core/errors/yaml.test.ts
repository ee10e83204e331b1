import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { firstYamlErrors, MAX_YAML_ERRORS } from './yaml.js';

const problemsOf = (text: string) => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return {
    count: doc.errors.length,
    problems: firstYamlErrors(doc.errors, lineCounter, (message, line, column) => ({ message, line, column })),
  };
};

describe('firstYamlErrors', () => {
  it('lists every error of a document with a few, at their line and column', () => {
    const { count, problems } = problemsOf('a: 1\nb: [1, 2\n');
    expect(problems).toHaveLength(count);
    expect(problems[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(problems[0]?.message).not.toContain('\n');
  });

  it('keeps the first ten of thousands and counts the rest at the last one', () => {
    const { count, problems } = problemsOf(`brokers: ["a${'"'.repeat(4000)}\n`);
    expect(count).toBeGreaterThan(1000);
    expect(problems).toHaveLength(MAX_YAML_ERRORS + 1);
    expect(problems.at(-1)).toEqual({ ...problems.at(-2), message: `${count - MAX_YAML_ERRORS} more errors after this one` });
  });
});
