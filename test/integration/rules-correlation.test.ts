/**
 * `vigil rules validate` and `vigil rules test` over correlation files, as a user runs them: the
 * CLI in a child process. No services needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = 'test/fixtures/hunt';

function vigil(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('vigil rules validate with correlations', () => {
  it('exits 1 on a broken correlation file and names the problem with file:line:column', () => {
    const r = vigil(['rules', 'validate', `${FIX}/correlation-broken`]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/^test\/fixtures\/hunt\/correlation-broken\/port_scan\.yml:12:\d+ .*invalid timespan '5'.*\[RULE_INVALID\]$/m);
    expect(r.stdout).toMatch(/1 correlation file: 0 correlations loaded, 1 with problems \(1 problem\)/);
  });

  it('exits 1 when a correlation uses a rule that no path defines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    try {
      const text = readFileSync(join(ROOT, FIX, 'correlation-broken/port_scan.yml'), 'utf8').replace('timespan: 5', 'timespan: 5m');
      writeFileSync(join(dir, 'port_scan.yml'), text);
      const r = vigil(['rules', 'validate', dir]);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/port_scan\.yml:\d+:\d+ .*firewall_deny/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the shipped correlations beside the shipped rules and exits 0', () => {
    const r = vigil(['rules', 'validate', 'rules/sigma', 'rules/correlation']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/; 6 correlation files: \d+ correlations loaded, 0 with problems \(0 problems\)/);
    expect(r.stdout).not.toMatch(/skipped/);
  });
});

describe('vigil rules test with correlations', () => {
  it('runs every correlation sidecar and passes on the shipped correlations', () => {
    const r = vigil(['rules', 'test', 'rules/sigma', 'rules/correlation']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^correlation file\s+alerts\s+result$/m);
    expect(r.stdout).toMatch(/^rules\/correlation\/ssh_brute_force\.yml\s+1\/1\s+ok$/m);
    expect(r.stdout).toMatch(/^10 passed, 0 failed$/m);
  });

  it('exits 1 and says what differed when a correlation raises other alerts than its sidecar expects', () => {
    const r = vigil(['rules', 'test', `${FIX}/correlation-failing`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed_logins\.yml\s+0\/1\s+FAIL/);
    expect(r.stdout).toMatch(/failed_logins\.tests\.yml: expect\[0\]: 7d2c8a10-\S+ fired with count 3/);
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
  });

  it('exits 1 on a broken correlation file', () => {
    const r = vigil(['rules', 'test', `${FIX}/correlation-broken`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/port_scan\.yml:12:\d+ .*invalid timespan/);
  });
});
