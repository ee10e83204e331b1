import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Valid samples the fuzzer mutates, read from the parsers' fixtures: the raw lines of the
 * normalize and syslog goldens and of `vigil parse`'s mixed log (syslog, CEF, LEEF, vendor
 * text, JSON lines), the RFC 5424/CEF/LEEF edge cases of the parser tests (`fuzz/seeds.txt`),
 * and the cloud and Windows JSON records.
 */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

function goldenRaws(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: Array<{ raw: string }> }).cases.map((c) => c.raw));
}

/** Record files (`*.json` beside their `*.golden.json`) anywhere under `dir`. */
function recordFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...recordFiles(path));
    else if (e.name.endsWith('.json') && !e.name.endsWith('.golden.json')) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

/** One-line records: syslog (5424, 3164, vendor text), CEF, LEEF, and JSON lines. */
export function lineSeeds(): Buffer[] {
  const lines = [
    ...goldenRaws(join(FIXTURES, 'normalize')),
    ...goldenRaws(join(FIXTURES, 'syslog')),
    ...readFileSync(join(FIXTURES, 'parse', 'mixed.log'), 'utf8').split('\n'),
    ...readFileSync(join(FIXTURES, 'fuzz', 'seeds.txt'), 'utf8').split('\n'),
  ];
  return [...new Set(lines.filter((l) => l !== ''))].map((l) => Buffer.from(l));
}

/** Cloud audit and Windows event JSON documents, compacted to one line each. */
export function jsonSeeds(): Buffer[] {
  const docs = [...recordFiles(join(FIXTURES, 'cloud')), ...recordFiles(join(FIXTURES, 'windows'))];
  return docs.map((d) => Buffer.from(JSON.stringify(JSON.parse(d))));
}
