/**
 * `vigil rules lint` as a child process: exit codes (0 clean, 1 errors or --fail-on, 2 usage),
 * the text, JSON and SARIF 2.1.0 outputs, --list-checks and --select/--ignore.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../detections/lint/index.js';

const vigil = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/vigil.js', 'rules', 'lint', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
};

const CLEAN = `title: Whoami Run By A User
id: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
status: test
description: Detects whoami, which an intruder runs to learn who they are.
references:
  - https://example.com/whoami
author: Vigil tests
date: 2024-01-02
tags:
  - attack.discovery
  - attack.t1033
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
falsepositives:
  - Administrators
level: medium
`;

/** An error (a condition naming what does not exist) on line 18, a warning (no author) and an info (a keyword search). */
const BROKEN = CLEAN.replace('author: Vigil tests\n', '')
  .replace('id: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'id: 9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f')
  .replace('  condition: selection', '  keywords:\n    - whoami\n  condition: selection and not filter or keywords');
const WARN_ONLY = CLEAN.replace('author: Vigil tests\n', '').replace(
  '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
);

let dir: string;
let clean: string;
let broken: string;
let warnOnly: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-lint-'));
  mkdirSync(join(dir, 'ok'));
  clean = join(dir, 'ok', 'proc_creation_win_whoami.yml');
  broken = join(dir, 'proc_creation_win_whoami_broken.yml');
  warnOnly = join(dir, 'proc_creation_win_whoami_noauthor.yml');
  writeFileSync(clean, CLEAN);
  writeFileSync(broken, BROKEN);
  writeFileSync(warnOnly, WARN_ONLY);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How the CLI names a file: relative to the working directory when under it. */
const shown = (file: string): string => (relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file));

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
/** 1-based column of `word` on the line holding `needle`. */
const columnOf = (text: string, needle: string, word: string): number =>
  (text.split('\n').find((l) => l.includes(needle)) ?? '').indexOf(word) + 1;
const FILTER_COLUMN = columnOf(BROKEN, 'condition:', 'filter');

describe('vigil rules lint (the real CLI)', () => {
  it('exits 0 on a clean rule and says so in the summary', () => {
    const r = vigil(clean);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('1 file, 1 document: 0 errors, 0 warnings, 0 info');
  });

  it('exits 1 on a finding at error level, one line per finding with file:line:col, severity and check id', () => {
    const r = vigil(broken);
    expect(r.code).toBe(1);
    const file = shown(broken);
    const line = lineOf(BROKEN, 'condition:');
    expect(r.stdout).toContain(
      `${file}:${line}:${FILTER_COLUMN}  error    condition-unknown-selection  the condition names 'filter', which is not defined`,
    );
    expect(r.stdout).toMatch(new RegExp(`^${file}:1:1  warning  author-missing  `, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^${file}:${lineOf(BROKEN, 'keywords:')}:3  info     keywords-no-field  `, 'm'));
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 file, 1 document: 1 error, 1 warning, 1 info');
  });

  it('exits 0 on warnings unless --fail-on warning; --fail-on never always exits 0', () => {
    expect(vigil(warnOnly).code).toBe(0);
    expect(vigil('--fail-on', 'warning', warnOnly).code).toBe(1);
    expect(vigil('--fail-on', 'info', clean).code).toBe(0);
    expect(vigil('--fail-on', 'never', broken).code).toBe(0);
  });

  it('--ignore and --select choose the checks that run', () => {
    expect(vigil('--ignore', 'condition-unknown-selection', broken).code).toBe(0);
    const only = vigil('--select', 'author-missing', '--format', 'json', broken);
    expect(only.code).toBe(0);
    const report = JSON.parse(only.stdout) as { findings: { check: string }[] };
    expect(report.findings.map((f) => f.check)).toEqual(['author-missing']);
  });

  it('exits 2 on usage errors: an unknown option, format, fail-on level or check id, or a path that does not exist', () => {
    for (const args of [
      ['--bogus'],
      ['--format', 'xml', clean],
      ['--fail-on', 'sometimes', clean],
      ['--select', 'no-such-check', clean],
      [join(dir, 'missing.yml')],
    ]) {
      const r = vigil(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/vigil rules lint: /);
    }
  });

  it('--format json: findings, counts by severity and by check', () => {
    const r = vigil('--format', 'json', broken, clean);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      files: number;
      documents: number;
      summary: Record<string, number>;
      byCheck: Record<string, number>;
      findings: { check: string; severity: string; file: string; line: number; column: number; message: string }[];
    };
    expect(report.files).toBe(2);
    expect(report.summary).toEqual({ error: 1, warning: 1, info: 1 });
    expect(report.byCheck).toEqual({ 'condition-unknown-selection': 1, 'author-missing': 1, 'keywords-no-field': 1 });
    expect(report.findings.find((f) => f.check === 'condition-unknown-selection')).toMatchObject({
      severity: 'error',
      file: shown(broken),
      line: lineOf(BROKEN, 'condition:'),
      column: FILTER_COLUMN,
    });
  });

  it('--format sarif: a SARIF 2.1.0 log with the checks as rules and located results', () => {
    const r = vigil('--format', 'sarif', broken);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as {
      version: string;
      $schema: string;
      runs: {
        tool: {
          driver: {
            name: string;
            version: string;
            rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
          };
        };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
        }[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0] as (typeof log.runs)[number];
    expect(run.tool.driver.name).toBe('vigil-rules-lint');
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(CHECKS.map((c) => c.id));
    for (const rule of run.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results.map((x) => [x.ruleId, x.level]).sort()).toEqual([
      ['author-missing', 'warning'],
      ['condition-unknown-selection', 'error'],
      ['keywords-no-field', 'note'],
    ]);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      expect(res.message.text.length).toBeGreaterThan(0);
      const loc = res.locations[0]?.physicalLocation;
      expect(loc?.artifactLocation.uri).toBe(`file://${broken.split('/').map(encodeURIComponent).join('/')}`);
      expect(loc?.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc?.region.startColumn).toBeGreaterThanOrEqual(1);
    }
    const err = run.results.find((x) => x.ruleId === 'condition-unknown-selection');
    expect(err?.locations[0]?.physicalLocation.region).toEqual({ startLine: lineOf(BROKEN, 'condition:'), startColumn: FILTER_COLUMN });
  });

  it('--list-checks prints every check with its severity, group and description (Markdown, or JSON)', () => {
    const md = vigil('--list-checks');
    expect(md.code).toBe(0);
    const rows = md.stdout.trim().split('\n').slice(2);
    expect(rows).toHaveLength(CHECKS.length);
    expect(rows[0]).toMatch(/^\| `yaml-invalid` \| error \| yaml \| /);
    const json = JSON.parse(vigil('--list-checks', '--format', 'json').stdout) as { id: string }[];
    expect(json.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
  });

  it('lints the shipped rules and correlations (the default paths) without an error', () => {
    const r = vigil('--format', 'json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { error: number } }).summary.error).toBe(0);
  });
});
