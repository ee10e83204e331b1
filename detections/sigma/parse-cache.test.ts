/**
 * The parsed-rule cache `vigil hunt` keeps between runs: a rule read from it is the rule the
 * parser builds; an edited file, a file moved elsewhere, a rule with a problem and a damaged
 * cache file are all parsed again, never served stale.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRules } from './load.js';
import { defaultCacheDir, ParseCache } from './parse-cache.js';
import { parseSigmaFile } from './parse.js';

const RULE = (value: string): string =>
  [
    'title: Encoded PowerShell',
    'id: 5b0e6f3e-0000-4000-8000-000000000001',
    'status: test',
    'level: high',
    'tags: [attack.execution, attack.t1059.001]',
    'logsource: {product: windows, category: process_creation}',
    'detection:',
    '  s:',
    `    CommandLine|contains: '${value}'`,
    '  condition: s',
    '',
  ].join('\n');

let dir: string;
let rules: string;
let cacheDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-parse-cache-'));
  rules = join(dir, 'rules');
  cacheDir = join(dir, 'cache');
  mkdirSync(rules);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Loads the rules through a cache opened as a run opens it, and saves it as the run does. */
function run(): { cache: ParseCache; loaded: ReturnType<typeof loadRules>; hits: number } {
  const cache = ParseCache.open(cacheDir, [rules]);
  let hits = 0;
  const counting = {
    get: (file: string, text: string) => {
      const got = cache.get(file, text);
      if (got) hits++;
      return got;
    },
    put: cache.put.bind(cache),
    save: cache.save.bind(cache),
  } as unknown as ParseCache;
  const loaded = loadRules([rules], { parseCache: counting });
  cache.save();
  return { cache, loaded, hits };
}

describe('the parsed-rule cache', () => {
  it('serves, on the next run, the model the parser builds', () => {
    const file = join(rules, 'a.yml');
    writeFileSync(file, RULE('-enc'));
    const first = run();
    expect(first.hits).toBe(0);
    const second = run();
    expect(second.hits).toBe(1);
    const parsed = parseSigmaFile(RULE('-enc'), file).rule;
    expect(second.loaded.rules[0]?.rule).toEqual(parsed);
    expect(Object.isFrozen(second.loaded.rules[0]?.rule.detection)).toBe(true);
    expect(second.loaded.rules[0]?.match({ CommandLine: 'powershell -ENC AAAA' })?.selections).toEqual(['s']);
    expect(second.loaded.rules[0]?.match({ CommandLine: 'whoami' })).toBeNull();
  });

  it('parses an edited file again', () => {
    const file = join(rules, 'a.yml');
    writeFileSync(file, RULE('-enc'));
    run();
    writeFileSync(file, RULE('-nop'));
    const after = run();
    expect(after.hits).toBe(0);
    expect(after.loaded.rules[0]?.match({ CommandLine: 'powershell -nop' })).not.toBeNull();
    expect(after.loaded.rules[0]?.match({ CommandLine: 'powershell -enc' })).toBeNull();
  });

  it('does not serve a rule to the same text at another path (the model names its file)', () => {
    writeFileSync(join(rules, 'a.yml'), RULE('-enc'));
    run();
    rmSync(join(rules, 'a.yml'));
    writeFileSync(join(rules, 'b.yml'), RULE('-enc'));
    const moved = run();
    expect(moved.hits).toBe(0);
    expect(moved.loaded.rules[0]?.rule.location.file).toBe(join(rules, 'b.yml'));
  });

  it('never keeps a rule with a problem: each run reports it with its line', () => {
    writeFileSync(join(rules, 'bad.yml'), RULE('-enc').replace("CommandLine|contains: '-enc'", "CommandLine|re: 'a(?=b)'"));
    for (let i = 0; i < 2; i++) {
      const r = run();
      expect(r.hits).toBe(0);
      expect(r.loaded.rules).toEqual([]);
      expect(r.loaded.errors.map((e) => [e.code, e.location?.line])).toEqual([['RULE_UNSUPPORTED', 9]]);
    }
  });

  it('ignores a damaged cache file and writes a good one over it', () => {
    writeFileSync(join(rules, 'a.yml'), RULE('-enc'));
    run();
    const [name] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, name as string), 'not a cache');
    const damaged = run();
    expect(damaged.hits).toBe(0);
    expect(damaged.loaded.rules).toHaveLength(1);
    expect(run().hits).toBe(1);
  });

  it('keeps one cache file per set of rule paths', () => {
    writeFileSync(join(rules, 'a.yml'), RULE('-enc'));
    run();
    const other = ParseCache.open(cacheDir, [rules, join(dir, 'more')]);
    expect(other.get(join(rules, 'a.yml'), RULE('-enc'))).toBeUndefined();
  });

  it('keeps nothing compiled with expand placeholders (a lazy load of a cached model skips the check)', () => {
    writeFileSync(join(rules, 'a.yml'), RULE('-enc').replace("CommandLine|contains: '-enc'", "User|expand: '%admins%'"));
    const cache = ParseCache.open(cacheDir, [rules]);
    const loaded = loadRules([rules], { parseCache: cache, placeholders: { admins: ['root'] } });
    expect(loaded.rules).toHaveLength(1);
    cache.save();
    const next = run();
    expect(next.hits).toBe(0);
    expect(next.loaded.errors.map((e) => e.code)).toEqual(['RULE_PLACEHOLDER']);
  });

  it('serves a lazy load the model it kept, matching as an eager load does', () => {
    writeFileSync(join(rules, 'a.yml'), RULE('-enc'));
    run();
    const cache = ParseCache.open(cacheDir, [rules]);
    const lazy = loadRules([rules], { parseCache: cache, lazy: true });
    const eager = loadRules([rules]);
    for (const e of [{ CommandLine: 'x -enc y' }, { CommandLine: 'x' }, {}])
      expect(lazy.rules[0]?.match(e)).toEqual(eager.rules[0]?.match(e));
    expect(lazy.rules[0]?.match({ CommandLine: 'x -enc y' })).not.toBeNull();
  });

  it('keeps the few most recent cache files', () => {
    writeFileSync(join(rules, 'a.yml'), RULE('-enc'));
    for (let i = 0; i < 12; i++) {
      const cache = ParseCache.open(cacheDir, [join(dir, `set-${i}`)]);
      cache.put(join(rules, 'a.yml'), RULE('-enc'), parseSigmaFile(RULE('-enc'), join(rules, 'a.yml')));
      cache.save();
    }
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.bin'))).toHaveLength(8);
  });

  it('lives under VIGIL_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ VIGIL_CACHE_DIR: '/c' })).toBe('/c/sigma');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/vigil/sigma');
    expect(defaultCacheDir({})).toMatch(/\.cache\/vigil\/sigma$/);
  });
});
