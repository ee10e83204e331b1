/**
 * One failing fixture per check: each fires exactly its check, at the line marked `# <-`
 * (column: where the marked node starts), and nothing else; the clean rule and correlation fire
 * nothing at all.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintTexts } from './lint.js';
import { CHECKS } from './registry.js';

const BASE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const PARTS: Readonly<Record<string, string>> = {
  title: 'title: Whoami Run By A User',
  id: `id: ${BASE_ID}`,
  status: 'status: test',
  description: 'description: Detects whoami, which an intruder runs to learn who they are.',
  references: 'references:\n  - https://example.com/whoami',
  author: 'author: Vigil tests',
  date: 'date: 2024-01-02',
  modified: 'modified: 2024-02-03',
  tags: 'tags:\n  - attack.discovery\n  - attack.t1033',
  logsource: 'logsource:\n  category: process_creation\n  product: windows',
  detection: "detection:\n  selection:\n    Image|endswith: '\\whoami.exe'\n  condition: selection",
  falsepositives: 'falsepositives:\n  - Administrators',
  level: 'level: medium',
};

/** The clean rule with some parts replaced (a string), removed (null) or added (a key not in PARTS, at the end). */
function rule(over: Record<string, string | null> = {}): string {
  const keys = [...Object.keys(PARTS), ...Object.keys(over).filter((k) => !(k in PARTS))];
  return `${keys
    .map((k) => (k in over ? over[k] : PARTS[k]))
    .filter((p): p is string => p !== null)
    .join('\n')}\n`;
}

const det = (body: string): Record<string, string> => ({ detection: `detection:\n${body}` });

const CORRELATION = `title: Whoami Run Three Times
id: 6c0f7a52-3d8e-4b1a-9f2e-5a6b7c8d9e0f
status: test
description: Three runs of whoami by one user within five minutes.
author: Vigil tests
date: 2024-01-02
tags:
  - attack.discovery
correlation:
  type: event_count
  rules:
    - ${BASE_ID}
  group-by:
    - User
  timespan: 5m
  condition:
    gte: 3
level: high
`;

const corr = (from: string, to: string): string => {
  if (!CORRELATION.includes(from)) throw new Error(`fixture: '${from}' is not in the correlation`);
  return CORRELATION.replace(from, to);
};

interface Case {
  readonly check: string;
  /** The file under test; the clean rule is linted beside it when `withBase`. */
  readonly text: string;
  readonly file?: string;
  readonly withBase?: boolean;
  /** Other checks the same mistake must also fire (none, mostly). */
  readonly also?: readonly string[];
}

const R = 'proc_creation_win_whoami.yml';

const CASES: readonly Case[] = [
  { check: 'yaml-invalid', text: rule({ level: 'level: medium\nlevel: high # <-' }) },
  {
    check: 'rule-invalid',
    text: rule(det("  selection:\n    - whoami # <-\n    - Image|endswith: '\\whoami.exe'\n  condition: selection")),
  },
  {
    check: 'rule-unsupported',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n  timeframe: 5m # <-\n  condition: selection")),
  },
  { check: 'placeholder-unset', text: rule(det("  selection:\n    User|expand: '%admins%' # <-\n  condition: selection")) },
  { check: 'title-missing', text: rule({ title: 'title: # <-' }) },
  { check: 'title-too-long', text: rule({ title: `title: ${'Whoami '.repeat(17)}Run # <-` }) },
  { check: 'title-trailing-period', text: rule({ title: 'title: Whoami Run By A User. # <-' }) },
  { check: 'title-whitespace', text: rule({ title: "title: ' Whoami Run By A User' # <-" }) },
  { check: 'title-not-first', text: rule({ title: null, id: `id: ${BASE_ID}\ntitle: Whoami Run By A User # <-` }) },
  { check: 'id-missing', text: rule({ id: 'id: # <-' }) },
  { check: 'id-not-uuid', text: rule({ id: 'id: whoami-1 # <-' }) },
  { check: 'id-not-uuid-v4', text: rule({ id: 'id: 0a1b2c3d-4e5f-1a6b-8c7d-9e0f1a2b3c4d # <-' }) },
  { check: 'id-uppercase', text: rule({ id: 'id: 0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D # <-' }) },
  {
    check: 'id-duplicate',
    text: rule({ id: `id: ${BASE_ID} # <-`, title: 'title: Another Whoami Rule' }),
    file: 'proc_creation_win_whoami_2.yml',
    withBase: true,
  },
  {
    check: 'name-duplicate',
    text: `${rule({ name: 'name: whoami' })}---\n${rule({ id: 'id: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', name: 'name: whoami # <-' })}`,
  },
  { check: 'related-invalid', text: rule({ related: 'related: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e # <-' }) },
  { check: 'related-id-invalid', text: rule({ related: 'related:\n  - id: nope # <-\n    type: derived' }) },
  {
    check: 'related-type-invalid',
    text: rule({ related: 'related:\n  - id: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\n    type: copied # <-' }),
  },
  { check: 'status-missing', text: rule({ status: null }) },
  { check: 'status-invalid', text: rule({ status: 'status: production # <-' }) },
  { check: 'level-missing', text: rule({ level: null }) },
  { check: 'level-invalid', text: rule({ level: 'level: severe # <-' }) },
  { check: 'date-missing', text: rule({ date: null }) },
  { check: 'date-format', text: rule({ date: 'date: 2024/01/02 # <-' }) },
  { check: 'modified-format', text: rule({ modified: 'modified: 2024-02-30 # <-' }) },
  { check: 'modified-before-date', text: rule({ modified: 'modified: 2023-12-31 # <-' }) },
  { check: 'date-in-future', text: rule({ modified: 'modified: 2099-01-01 # <-' }) },
  { check: 'description-missing', text: rule({ description: null }) },
  { check: 'description-is-title', text: rule({ description: 'description: Whoami run by a user. # <-' }) },
  { check: 'author-missing', text: rule({ author: null }) },
  { check: 'references-not-list', text: rule({ references: 'references: https://example.com/whoami # <-' }) },
  { check: 'reference-not-url', text: rule({ references: 'references:\n  - Internal research # <-' }) },
  {
    check: 'reference-duplicate',
    text: rule({ references: 'references:\n  - https://example.com/whoami\n  - https://example.com/whoami # <-' }),
  },
  { check: 'falsepositives-not-list', text: rule({ falsepositives: 'falsepositives: Administrators # <-' }) },
  { check: 'fields-not-list', text: rule({ fields: 'fields: CommandLine # <-' }) },
  { check: 'unknown-key', text: rule({ severity: 'severity: high # <-' }) },
  { check: 'deprecated-without-related', text: rule({ status: 'status: deprecated # <-' }) },
  { check: 'fields-duplicate', text: rule({ fields: 'fields:\n  - CommandLine\n  - CommandLine # <-' }) },
  {
    check: 'filter-has-level-or-status',
    text: `title: Whoami By Admins Is Fine
id: 2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f
description: Administrators run whoami all day.
author: Vigil tests
date: 2024-01-02
logsource:
  category: process_creation
  product: windows
level: low # <-
filter:
  rules:
    - ${BASE_ID}
  selection:
    User: admin
  condition: not selection
`,
    file: 'filter_whoami_admins.yml',
    withBase: true,
  },
  { check: 'detection-missing', text: rule({ detection: null }) },
  { check: 'tags-not-list', text: rule({ tags: 'tags: attack.t1033 # <-' }) },
  { check: 'tag-namespace-unknown', text: rule({ tags: 'tags:\n  - attack.discovery\n  - mitre.t1033 # <-' }) },
  { check: 'tag-uppercase', text: rule({ tags: 'tags:\n  - attack.discovery\n  - attack.T1033 # <-' }) },
  { check: 'tag-attack-invalid', text: rule({ tags: 'tags:\n  - attack.discovery\n  - attack.whoami # <-' }) },
  { check: 'tag-attack-tactic-underscore', text: rule({ tags: 'tags:\n  - attack.credential_access # <-\n  - attack.t1033' }) },
  { check: 'tag-cve-invalid', text: rule({ tags: 'tags:\n  - attack.discovery\n  - cve.21-44228 # <-' }) },
  { check: 'tag-car-invalid', text: rule({ tags: 'tags:\n  - attack.discovery\n  - car.2013-05 # <-' }) },
  { check: 'tag-tlp-invalid', text: rule({ tags: 'tags:\n  - attack.discovery\n  - tlp.purple # <-' }) },
  { check: 'tag-detection-invalid', text: rule({ tags: 'tags:\n  - attack.discovery\n  - detection.hunting # <-' }) },
  { check: 'tag-duplicate', text: rule({ tags: 'tags:\n  - attack.discovery\n  - attack.t1033\n  - attack.t1033 # <-' }) },
  { check: 'tag-technique-without-tactic', text: rule({ tags: 'tags:\n  - attack.t1033 # <-' }) },
  { check: 'filename-extension', text: rule(), file: 'proc_creation_win_whoami.yaml' },
  { check: 'filename-convention', text: rule(), file: 'proc_creation_win_Whoami-Run.yml' },
  { check: 'filename-prefix', text: rule(), file: 'win_whoami.yml' },
  { check: 'logsource-missing', text: rule({ logsource: null }) },
  {
    check: 'logsource-no-product-or-category',
    text: rule({ logsource: 'logsource: # <-\n  service: sysmon' }),
    file: 'sysmon_whoami.yml',
    also: ['logsource-unmapped-pipeline'],
  },
  {
    check: 'logsource-unknown-key',
    text: rule({ logsource: 'logsource:\n  category: process_creation\n  product: windows\n  vendor: microsoft # <-' }),
  },
  { check: 'logsource-not-lowercase', text: rule({ logsource: 'logsource:\n  category: process_creation\n  product: Windows # <-' }) },
  { check: 'condition-missing', text: rule({ detection: "detection: # <-\n  selection:\n    Image|endswith: '\\whoami.exe'" }) },
  { check: 'condition-syntax', text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n  condition: selection and # <-")) },
  {
    check: 'condition-unknown-selection',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n  condition: selection and not filter # <-")),
  },
  {
    check: 'selection-unused',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n  filter: # <-\n    User: SYSTEM\n  condition: selection")),
  },
  {
    check: 'condition-never-matches',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n  condition: selection and not selection # <-")),
  },
  {
    check: 'condition-always-matches',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n  condition: selection or not selection # <-")),
  },
  { check: 'of-single-selection', text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n  condition: 1 of them # <-")) },
  { check: 'selection-empty', text: rule(det('  selection: {} # <-\n  condition: selection')) },
  { check: 'keywords-no-field', text: rule(det("  keywords: # <-\n    - 'whoami /all'\n  condition: keywords")) },
  { check: 'modifier-unknown', text: rule(det("  selection:\n    Image|finishes: '\\whoami.exe' # <-\n  condition: selection")) },
  {
    check: 'modifier-duplicate',
    text: rule(det("  selection:\n    Image|endswith|endswith: '\\whoami.exe' # <-\n  condition: selection")),
  },
  { check: 'modifier-conflict', text: rule(det("  selection:\n    CommandLine|re|contains: 'whoami.*/all' # <-\n  condition: selection")) },
  { check: 'regex-flag-without-re', text: rule(det("  selection:\n    Image|endswith|i: '\\whoami.exe' # <-\n  condition: selection")) },
  {
    check: 'cidr-invalid',
    text: rule({
      logsource: 'logsource:\n  category: network_connection\n  product: windows',
      ...det("  selection:\n    Image|endswith: '\\whoami.exe'\n    DestinationIp|cidr: 10.0.0.300/8 # <-\n  condition: selection"),
    }),
    file: 'net_connection_win_whoami.yml',
  },
  { check: 'all-single-value', text: rule(det('  selection:\n    CommandLine|contains|all: whoami # <-\n  condition: selection')) },
  {
    check: 'compare-not-number',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    ProcessId|gt: many # <-\n  condition: selection")),
  },
  {
    check: 'exists-not-boolean',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    ParentImage|exists: yes # <-\n  condition: selection")),
  },
  {
    check: 'base64offset-without-contains',
    text: rule(det('  selection:\n    CommandLine|base64offset: whoami # <-\n  condition: selection')),
  },
  { check: 'windash-no-dash', text: rule(det('  selection:\n    CommandLine|windash|contains: whoami # <-\n  condition: selection')) },
  { check: 'wildcard-redundant', text: rule(det("  selection:\n    CommandLine|contains: '*whoami' # <-\n  condition: selection")) },
  {
    check: 'null-with-modifier',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    ParentImage|contains: null # <-\n  condition: selection")),
  },
  {
    check: 'value-list-empty',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    User: [] # <-\n  condition: selection")),
  },
  {
    check: 'value-not-scalar',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    User:\n      name: x # <-\n  condition: selection")),
  },
  {
    check: 'value-duplicate',
    text: rule(det("  selection:\n    Image|endswith:\n      - '\\whoami.exe'\n      - '\\WHOAMI.EXE' # <-\n  condition: selection")),
  },
  {
    check: 'value-wildcard-only',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    User: '*' # <-\n  condition: selection")),
  },
  {
    check: 'value-whitespace',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    User: 'admin ' # <-\n  condition: selection")),
  },
  { check: 'field-name-whitespace', text: rule(det("  selection:\n    'Image |endswith': '\\whoami.exe' # <-\n  condition: selection")) },
  { check: 'regex-invalid', text: rule(det("  selection:\n    CommandLine|re: 'whoami (/all' # <-\n  condition: selection")) },
  { check: 're2-unsupported', text: rule(det("  selection:\n    CommandLine|re: 'whoami(?!\\.exe)' # <-\n  condition: selection")) },
  { check: 'regex-inline-flag', text: rule(det("  selection:\n    CommandLine|re: '(?i)whoami' # <-\n  condition: selection")) },
  { check: 'regex-case-classes', text: rule(det("  selection:\n    CommandLine|re: '[Ww][Hh][Oo]ami' # <-\n  condition: selection")) },
  {
    check: 'regex-matches-anything',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    CommandLine|re: '.*' # <-\n  condition: selection")),
  },
  {
    check: 'field-unknown-taxonomy',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    QueryName: evil.example # <-\n  condition: selection")),
  },
  {
    check: 'field-case-mismatch',
    text: rule(det("  selection:\n    Image|endswith: '\\whoami.exe'\n    Commandline|contains: /all # <-\n  condition: selection")),
  },
  {
    check: 'field-unmapped-pipeline',
    text: rule({
      logsource: 'logsource:\n  category: process_creation\n  product: linux',
      ...det("  selection:\n    Image|endswith: '/whoami'\n    Hostname: db1 # <-\n  condition: selection"),
    }),
    file: 'proc_creation_lnx_whoami.yml',
    also: ['field-unknown-taxonomy'],
  },
  {
    check: 'logsource-unmapped-pipeline',
    text: rule({ logsource: 'logsource: # <-\n  product: zoom\n  service: audit' }),
    file: 'zoom_whoami.yml',
  },
  { check: 'correlation-type-invalid', text: corr('type: event_count', 'type: event_total # <-'), withBase: true },
  { check: 'correlation-rules-missing', text: corr(`rules:\n    - ${BASE_ID}`, 'rules: [] # <-'), withBase: true },
  { check: 'correlation-timespan-invalid', text: corr('timespan: 5m', 'timespan: 5 minutes # <-'), withBase: true },
  { check: 'correlation-group-by-invalid', text: corr('group-by:\n    - User', 'group-by:\n    - User\n    - User # <-'), withBase: true },
  {
    check: 'correlation-group-by-missing',
    text: corr('  group-by:\n    - User\n', '').replace('correlation:', 'correlation: # <-'),
    withBase: true,
  },
  {
    check: 'correlation-condition-invalid',
    text: corr('gte: 3', 'at_least: 3')
      .replace('  condition:\n', '  condition: # <-\n')
      .replace('condition: # <-\n    at_least', 'condition:\n    at_least: 3 # <-\n    x'),
    withBase: true,
    also: ['rule-invalid'],
  },
  {
    check: 'correlation-alias-invalid',
    text: corr('  timespan: 5m', `  aliases:\n    who:\n      ${BASE_ID}: User\n  timespan: 5m`).replace('    who:', '    who: # <-'),
    withBase: true,
  },
  { check: 'correlation-rule-unknown', text: corr(`    - ${BASE_ID}`, '    - whoami_missing # <-'), withBase: true },
];

/** 1-based line and column of the `# <-` marker's line (column: its first non-blank character). */
function marked(text: string): { line: number; column: number } | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes('# <-'));
  if (i < 0) return undefined;
  const l = lines[i] as string;
  return { line: i + 1, column: l.length - l.trimStart().length + 1 };
}

const TODAY = { today: '2025-06-01' };

function lintCase(c: Case) {
  const files = [{ file: `/rules/${c.file ?? (c.text.includes('correlation:') ? 'whoami_count.yml' : R)}`, text: c.text }];
  if (c.withBase) files.unshift({ file: `/rules/${R}`, text: rule() });
  return lintTexts(files, TODAY).findings;
}

describe('vigil rules lint: one fixture per check', () => {
  it('has a fixture for every registered check, and at least 50 checks', () => {
    expect(CHECKS.length).toBeGreaterThanOrEqual(50);
    expect(CASES.map((c) => c.check).sort()).toEqual(CHECKS.map((c) => c.id).sort());
  });

  it('the README lists every check', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    for (const c of CHECKS) expect(readme).toContain(`| \`${c.id}\` | ${c.severity} | ${c.group} |`);
  });

  it('check ids are unique, kebab-case, and each has a one-line description', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
    for (const c of CHECKS) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.description).not.toMatch(/\n/);
    }
  });

  it('the clean rule and the clean correlation fire no check', () => {
    expect(lintTexts([{ file: `/rules/${R}`, text: rule() }], TODAY).findings).toEqual([]);
    expect(
      lintTexts(
        [
          { file: `/rules/${R}`, text: rule() },
          { file: '/rules/whoami_count.yml', text: CORRELATION },
        ],
        TODAY,
      ).findings,
    ).toEqual([]);
  });

  it('value-duplicate compares values as the engine matches them: without case, except under encodings and cased', () => {
    const dup = (mods: string): number =>
      lintCase({
        check: 'value-duplicate',
        text: rule(det(`  selection:\n    CommandLine${mods}:\n      - 'IEX (New'\n      - 'iex (New'\n  condition: selection`)),
      }).filter((f) => f.check === 'value-duplicate').length;
    expect(dup('|contains')).toBe(1);
    expect(dup('|base64offset|contains')).toBe(0);
    expect(dup('|contains|cased')).toBe(0);
  });

  it.each(CASES.map((c) => [c.check, c] as const))('%s fires at the marked line and nothing else does', (id, c) => {
    const findings = lintCase(c);
    const own = findings.filter((f) => f.check === id);
    expect(own.length, JSON.stringify(findings, null, 1)).toBeGreaterThan(0);
    const where = marked(c.text);
    if (where) {
      expect(own.map((f) => f.line)).toContain(where.line);
      const f = own.find((x) => x.line === where.line);
      expect(f?.column).toBeGreaterThanOrEqual(where.column);
    } else {
      expect(own[0]?.line).toBe(1);
    }
    const expected = new Set([id, ...(c.also ?? [])]);
    expect(findings.filter((f) => !expected.has(f.check)).map((f) => `${f.check}@${f.line}: ${f.message}`)).toEqual([]);
    for (const other of c.also ?? []) expect(findings.map((f) => f.check)).toContain(other);
    expect(own.every((f) => f.severity === CHECKS.find((k) => k.id === id)?.severity)).toBe(true);
  });
});
