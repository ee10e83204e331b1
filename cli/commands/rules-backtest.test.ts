/**
 * `vigil rules backtest` through the real CLI: the shipped rules over the shipped samples fire
 * exactly as rules/backtest-baseline.json says; a changed rule makes the backtest fail with a
 * diff; `--update` writes a baseline the next run agrees with; a broken baseline is an error
 * naming the file.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const vigil = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/vigil.js', 'rules', 'backtest', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
};

const SSH_FAILURE = '04bab770-8264-4d97-a3d2-ace77e639e96';
const SUDO_SHELL = '7f839880-f83a-4e67-ad54-ea5c669c4d54';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-backtest-'));
  cpSync('rules/sigma', join(dir, 'sigma'), { recursive: true });
  cpSync('rules/correlation', join(dir, 'correlation'), { recursive: true });
  // Changed copies: the SSH rule no longer cares about root; the sudo rule asks for a user nobody is.
  const ssh = join(dir, 'sigma/linux/sshd/lnx_sshd_auth_failure_invalid_or_privileged_user.yml');
  writeFileSync(ssh, readFileSync(ssh, 'utf8').replace('      - root\n', ''));
  const sudo = join(dir, 'sigma/linux/sudo/lnx_sudo_root_shell.yml');
  writeFileSync(sudo, readFileSync(sudo, 'utf8').replace('user.effective.name: root', 'user.effective.name: nobody-at-all'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil rules backtest', () => {
  it('the shipped rules fire over the shipped samples as the shipped baseline says', () => {
    const r = vigil('--data', 'rules/samples', '--baseline', 'rules/backtest-baseline.json');
    expect(r.stdout).toMatch(/^backtest ok: \d+ rules fired \d+ times, as the baseline says$/m);
    expect(r.code).toBe(0);
  });

  it('fails with a diff when a changed rule fires less, and when one stops firing', () => {
    expect(readFileSync(join(dir, 'sigma/linux/sudo/lnx_sudo_root_shell.yml'), 'utf8')).toContain('nobody-at-all');
    const baseline = parseYaml(readFileSync('rules/backtest-baseline.json', 'utf8')) as Record<string, number>;
    const r = vigil('--data', 'rules/samples', '--baseline', 'rules/backtest-baseline.json', join(dir, 'sigma'), join(dir, 'correlation'));
    expect(r.code).toBe(1);
    const rows = r.stdout.split('\n');
    expect(rows[0]).toMatch(/^rule\s+baseline\s+now\s+change\s+title$/);
    const ssh_row = rows.find((l) => l.startsWith(SSH_FAILURE)) ?? '';
    const [, before, after, change] = ssh_row.split(/\s+/);
    expect(Number(before)).toBe(baseline[SSH_FAILURE]);
    expect(Number(after)).toBeLessThan(Number(before));
    expect(change).toBe('less');
    expect(rows.find((l) => l.startsWith(SUDO_SHELL))).toMatch(
      new RegExp(`^${SUDO_SHELL}\\s+${baseline[SUDO_SHELL]}\\s+0\\s+silent\\s+Interactive Root Shell`),
    );
    expect(r.stdout).toContain('backtest FAILED: 2 rules differ from rules/backtest-baseline.json');
  });

  it('--update writes the counts, and the next run agrees with them; a new rule firing fails', () => {
    const file = join(dir, 'baseline.yml');
    const u = vigil('--update', '--data', 'rules/samples', '--baseline', file, join(dir, 'sigma'));
    expect(u.code).toBe(0);
    const written = parseYaml(readFileSync(file, 'utf8')) as Record<string, number>;
    expect(Object.keys(written).length).toBeGreaterThan(0);
    expect(written[SUDO_SHELL]).toBeUndefined(); // the changed copy never fires
    expect(vigil('--data', 'rules/samples', '--baseline', file, join(dir, 'sigma')).code).toBe(0);

    // The correlations fire too, and the baseline does not know them.
    const r = vigil('--data', 'rules/samples', '--baseline', file, join(dir, 'sigma'), join(dir, 'correlation'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^009b241e-6980-4650-95ab-f0a35049b15b\s+0\s+1\s+new\s+SSH Brute Force$/m);
  });

  it('reports as JSON and as JUnit XML, a failed test case per changed rule', () => {
    const args = ['--data', 'rules/samples', '--baseline', 'rules/backtest-baseline.json', join(dir, 'sigma'), join(dir, 'correlation')];
    const j = vigil(...args, '--format', 'json');
    expect(j.code).toBe(1);
    const report = JSON.parse(j.stdout);
    expect(report.ok).toBe(false);
    expect(report.counts[SUDO_SHELL]).toBeUndefined();
    expect(report.changes.map((c: { id: string; change: string }) => [c.id, c.change])).toEqual([
      [SSH_FAILURE, 'less'],
      [SUDO_SHELL, 'silent'],
    ]);
    const x = vigil(...args, '--format', 'junit');
    expect(x.code).toBe(1);
    const baseline = parseYaml(readFileSync('rules/backtest-baseline.json', 'utf8')) as Record<string, number>;
    const n = Object.keys(baseline).length;
    expect(x.stdout).toContain(`<testsuites name="vigil rules backtest" tests="${n}" failures="2">`);
    expect(x.stdout).toMatch(
      new RegExp(
        `<testcase classname="vigil.backtest" name="Interactive Root Shell Through Sudo \\(${SUDO_SHELL}\\)">\\n\\s+<failure message="fired 0 times, the baseline says 1 \\(silent\\)" type="silent"/>`,
      ),
    );
    expect(x.stdout.match(/<testcase /g)).toHaveLength(n);
  });

  it('reads a JSON baseline and rejects one that is not a map of counts, naming the file and the rule', () => {
    const json = join(dir, 'baseline.json');
    writeFileSync(json, JSON.stringify({ [SSH_FAILURE]: 'many' }));
    const r = vigil('--data', 'rules/samples', '--baseline', json, join(dir, 'sigma'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(json);
    expect(r.stderr).toContain(`the count of rule ${SSH_FAILURE} must be a whole number ≥ 0, not "many"`);
    expect(r.stderr).toContain('BACKTEST_BASELINE');
  });
});
