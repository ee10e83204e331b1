/**
 * `vigil rules coverage` as a child process over a fixture rules folder: the ATT&CK Navigator
 * layer it prints (format 4.5, enterprise-attack), scores weighted by level and status,
 * sub-techniques under their parent, deprecated rules left out, untagged rules uncovered.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const vigil = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/vigil.js', 'rules', 'coverage', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
};

const rule = (o: { id: string; title: string; status: string; level: string; tags: string[] }): string => `title: ${o.title}
id: ${o.id}
status: ${o.status}
description: A fixture rule.
author: Vigil tests
date: 2026-01-02
${o.tags.length > 0 ? `tags:\n${o.tags.map((t) => `  - ${t}`).join('\n')}\n` : ''}logsource:
  product: linux
  service: sshd
detection:
  selection:
    process.name: sshd
  condition: selection
level: ${o.level}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-coverage-'));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  write(
    'a.yml',
    rule({
      id: '11111111-1111-4111-8111-111111111111',
      title: 'Brute Force Stable High',
      status: 'stable',
      level: 'high',
      tags: ['attack.credential-access', 'attack.t1110', 'attack.t1110.001'],
    }),
  );
  write(
    'b.yml',
    rule({
      id: '22222222-2222-4222-8222-222222222222',
      title: 'Spray Test Medium',
      status: 'test',
      level: 'medium',
      tags: ['attack.credential-access', 'attack.t1110.003'],
    }),
  );
  write(
    'c.yml',
    rule({
      id: '33333333-3333-4333-8333-333333333333',
      title: 'Valid Accounts Experimental Critical',
      status: 'experimental',
      level: 'critical',
      tags: ['attack.initial-access', 'attack.persistence', 'attack.t1078'],
    }),
  );
  write(
    'd.yml',
    rule({
      id: '44444444-4444-4444-8444-444444444444',
      title: 'Untagged Rule',
      status: 'stable',
      level: 'low',
      tags: ['attack.discovery'],
    }),
  );
  write(
    'e.yml',
    rule({
      id: '55555555-5555-4555-8555-555555555555',
      title: 'Old Rule',
      status: 'deprecated',
      level: 'critical',
      tags: ['attack.credential-access', 'attack.t1110'],
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil rules coverage', () => {
  it('prints an ATT&CK Navigator 4.5 layer scoring techniques by level × status', () => {
    const r = vigil(dir);
    expect(r.stderr).toContain('credential-access');
    expect(r.code).toBe(0);
    const layer = JSON.parse(r.stdout);
    expect(layer.versions).toEqual({ layer: '4.5', navigator: expect.stringMatching(/^5\./), attack: expect.stringMatching(/^\d+$/) });
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.gradient).toMatchObject({ minValue: 0, maxValue: 4 });
    expect(layer.techniques).toEqual([
      {
        techniqueID: 'T1078',
        score: 2.5, // critical 5 × experimental 0.5; two tactics: no `tactic`
        comment: 'Valid Accounts Experimental Critical (33333333-3333-4333-8333-333333333333, critical, experimental)',
        enabled: true,
      },
      {
        techniqueID: 'T1110',
        tactic: 'credential-access',
        score: 4, // high 4 × stable 1; the deprecated rule adds nothing
        comment: 'Brute Force Stable High (11111111-1111-4111-8111-111111111111, high, stable)',
        enabled: true,
        showSubtechniques: true,
      },
      {
        techniqueID: 'T1110.001',
        tactic: 'credential-access',
        score: 4,
        comment: 'Brute Force Stable High (11111111-1111-4111-8111-111111111111, high, stable)',
        enabled: true,
      },
      {
        techniqueID: 'T1110.003',
        tactic: 'credential-access',
        score: 2.25, // medium 3 × test 0.75
        comment: 'Spray Test Medium (22222222-2222-4222-8222-222222222222, medium, test)',
        enabled: true,
      },
    ]);
    expect(layer.metadata).toEqual([
      { name: 'rules', value: '4' },
      { name: 'uncovered rules', value: '1' },
    ]);
  });

  it('shows a parent technique unfolded when only its sub-techniques are scored', () => {
    const sub = mkdtempSync(join(tmpdir(), 'vigil-coverage-sub-'));
    try {
      writeFileSync(
        join(sub, 'x.yml'),
        rule({ id: '66666666-6666-4666-8666-666666666666', title: 'Sudo', status: 'stable', level: 'low', tags: ['attack.t1548.003'] }),
      );
      const layer = JSON.parse(vigil(sub).stdout);
      expect(layer.techniques).toEqual([
        { techniqueID: 'T1548', showSubtechniques: true },
        { techniqueID: 'T1548.003', score: 2, comment: expect.stringContaining('Sudo'), enabled: true },
      ]);
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });

  it('counts a rule without a technique tag as uncovered, in the table by tactic', () => {
    const r = vigil('--format', 'table', dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^tactic\s+rules\s+techniques\s+score$/);
    expect(lines.find((l) => l.startsWith('credential-access'))).toMatch(/^credential-access\s+2\s+3\s+10.25$/);
    expect(lines.find((l) => l.startsWith('initial-access'))).toMatch(/^initial-access\s+1\s+1\s+2.5$/);
    expect(r.stdout).toContain(
      '4 rules, 4 techniques covered, 1 rule without an ATT&CK technique tag, 1 deprecated or unsupported left out',
    );
    expect(r.stdout).toContain('uncovered: Untagged Rule (44444444-4444-4444-8444-444444444444)');
    expect(r.stdout).not.toContain('discovery');
  });

  it('writes the layer to --out and keeps stdout empty', () => {
    const out = join(dir, 'layer.json.out');
    const r = vigil('--out', out, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).techniques).toHaveLength(4);
  });
});
