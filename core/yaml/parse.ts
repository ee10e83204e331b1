/**
 * The one way Vigil reads user-authored YAML (rules, correlations, pipelines, playbooks, action
 * specs, config). It is the `yaml` package's parser with one limit in front: a line longer than
 * MAX_YAML_LINE characters is refused as a located error before parsing, because the parser
 * spends seconds on one broken line of a few hundred kilobytes (an error per character) and no
 * file Vigil reads needs a line that long. The refusal arrives as an ordinary document error,
 * so every caller reports it the way it reports any YAML error, with its line.
 */
import {
  Document,
  LineCounter,
  YAMLParseError,
  parse,
  parseAllDocuments,
  parseDocument,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
  type ToJSOptions,
} from 'yaml';

export const MAX_YAML_LINE = 65_536;

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

export interface LongLine {
  /** 1-based line number. */
  line: number;
  /** Offset of the line's first character. */
  offset: number;
  length: number;
}

/** The first line longer than MAX_YAML_LINE characters, if any (one pass, no allocation per line). */
export function firstLongLine(text: string): LongLine | undefined {
  if (text.length <= MAX_YAML_LINE) return undefined;
  let start = 0;
  for (let line = 1; ; line++) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    if (stop - start > MAX_YAML_LINE) return { line, offset: start, length: stop - start };
    if (end < 0) return undefined;
    start = end + 1;
  }
}

export function longLineMessage(long: LongLine): string {
  return `line ${long.line} is ${long.length} characters long; a YAML line may have at most ${MAX_YAML_LINE}`;
}

/** Like yaml's parse (throws a YAMLParseError on the first problem), refusing an overlong line. */
export function parseYaml(text: string, options: YamlOptions & ToJSOptions = {}): unknown {
  const long = firstLongLine(text);
  if (long) throw new YAMLParseError([long.offset, long.offset + long.length], 'RESOURCE_EXHAUSTION', longLineMessage(long));
  return parse(text, options);
}

/** Like yaml's parseDocument, refusing an overlong line. */
export function parseYamlDocument(text: string, options: YamlOptions = {}): Document.Parsed {
  const long = firstLongLine(text);
  return long ? refused(text, long, options.lineCounter) : parseDocument(text, options);
}

/** Like yaml's parseAllDocuments, refusing an overlong line (as one document carrying the error). */
export function parseYamlDocuments(text: string, options: YamlOptions = {}): Document.Parsed[] {
  const long = firstLongLine(text);
  if (long) return [refused(text, long, options.lineCounter)];
  return parseAllDocuments(text, options);
}

function refused(text: string, long: LongLine, lineCounter: LineCounter | undefined): Document.Parsed {
  // Callers turn error offsets into lines with the LineCounter the parser would have filled.
  if (lineCounter) {
    lineCounter.addNewLine(0);
    for (let at = text.indexOf('\n'); at >= 0 && at < long.offset; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  }
  const doc = new Document(null) as unknown as Document.Parsed;
  doc.errors.push(new YAMLParseError([long.offset, long.offset + long.length], 'RESOURCE_EXHAUSTION', longLineMessage(long)));
  return doc;
}
