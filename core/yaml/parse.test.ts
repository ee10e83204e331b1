import { LineCounter } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_YAML_LINE, firstLongLine, parseYaml, parseYamlDocument, parseYamlDocuments } from './parse.js';

const long = (n: number) => `description: '${'x['.repeat(n / 2)}'`;

describe('reading user-authored YAML', () => {
  it('parses an ordinary file as the yaml package does', () => {
    const doc = parseYamlDocument('a: 1\nb: [2, 3]\n');
    expect(doc.errors).toEqual([]);
    expect(doc.toJS()).toEqual({ a: 1, b: [2, 3] });
  });

  it('accepts a line of exactly the limit', () => {
    const line = `k: ${'y'.repeat(MAX_YAML_LINE - 3)}`;
    expect(line.length).toBe(MAX_YAML_LINE);
    expect(firstLongLine(`a: 1\n${line}\n`)).toBeUndefined();
    expect(parseYamlDocument(`a: 1\n${line}\n`).errors).toEqual([]);
  });

  it('refuses the first line over the limit as a document error at that line, without parsing', () => {
    const text = ['title: t', 'id: x', long(200_000), long(300_000)].join('\n');
    const lineCounter = new LineCounter();
    const doc = parseYamlDocument(text, { lineCounter });
    expect(doc.errors.map((e) => e.message)).toEqual([
      `line 3 is ${200_015} characters long; a YAML line may have at most ${MAX_YAML_LINE}`,
    ]);
    const err = doc.errors[0]!;
    expect(lineCounter.linePos(err.pos[0])).toEqual({ line: 3, col: 1 });
    expect(doc.toJS()).toBeNull();
  });

  it('counts lines from any line ending position, the last line included', () => {
    expect(firstLongLine(`a\n\n${'z'.repeat(MAX_YAML_LINE + 1)}`)).toEqual({ line: 3, offset: 3, length: MAX_YAML_LINE + 1 });
    expect(firstLongLine('z'.repeat(MAX_YAML_LINE + 1))).toEqual({ line: 1, offset: 0, length: MAX_YAML_LINE + 1 });
  });

  it('refuses an overlong line in a multi-document stream as one document carrying the error', () => {
    const docs = parseYamlDocuments(`a: 1\n---\n${long(100_000)}\n`);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.errors[0]!.message).toMatch(/^line 3 is 100015 characters long/);
  });

  it('answers no documents for an empty stream', () => {
    expect(parseYamlDocuments('')).toHaveLength(0);
  });
});

describe('parseYaml (a plain value, throwing on the first problem)', () => {
  it('reads a value', () => {
    expect(parseYaml('a: [1, 2]\n')).toEqual({ a: [1, 2] });
  });

  it('throws the overlong line with its number instead of parsing it', () => {
    expect(() => parseYaml(`a: 1\nb: '${'x['.repeat(40_000)}\n`)).toThrow(/^line 2 is 80004 characters long/);
  });
});
