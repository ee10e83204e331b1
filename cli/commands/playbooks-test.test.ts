import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './playbooks.js';

/** `vigil playbooks test`: the shipped playbooks pass their test files; a wrong expectation fails at its line. */

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const vigilPlaybooksTest = async (...paths: string[]) => {
  const lines: string[] = [];
  const code = await run(['test', ...paths], { out: (l) => lines.push(l) });
  return { code, lines };
};

/** A copy of the shipped playbooks to break. */
const copyShipped = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pb-test-'));
  dirs.push(dir);
  await cp('rules/playbooks', dir, { recursive: true });
  return dir;
};

describe('vigil playbooks test', () => {
  it('passes every test of every shipped playbook (each has a test file)', async () => {
    const { code, lines } = await vigilPlaybooksTest('rules/playbooks');
    expect(lines.filter((l) => !l.startsWith('ok '))).toEqual([expect.stringMatching(/^\d+ tests, 0 failed$/)]);
    expect(code).toBe(0);
    const tested = new Set(lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(5).split(':')[0]));
    expect([...tested].sort()).toEqual([
      'contain-ssh-bruteforce',
      'disable-compromised-account',
      'enrich-suspicious-login',
      'isolate-malware-host',
      'notify-soc-webhook',
      'page-critical',
    ]);
  });

  it('fails with file:line of each expectation that does not hold, and exits 1', async () => {
    const dir = await copyShipped();
    const file = join(dir, 'contain-ssh-bruteforce.tests.yml');
    const text = await readFile(file, 'utf8');
    // The first test expects block_external to succeed; say it is skipped instead.
    const wrong = text.replace(
      'steps: { approve_internal: skipped, block_internal: skipped, block_external: succeeded }',
      'steps: { approve_internal: skipped, block_internal: skipped, block_external: skipped }',
    );
    expect(wrong).not.toBe(text);
    await writeFile(file, wrong);
    const line = wrong.split('\n').findIndex((l) => l.includes('block_external: skipped }')) + 1;

    const { code, lines } = await vigilPlaybooksTest(join(dir, 'contain-ssh-bruteforce.yml'));
    expect(code).toBe(1);
    expect(lines).toContain('FAIL contain-ssh-bruteforce: an outside source is blocked at once, without asking');
    expect(lines).toContain(`  ${file}:${line}: step block_external: expected skipped, got succeeded`);
    expect(lines.at(-1)).toBe('5 tests, 1 failed');
  });

  it('a wrong argument, output or run status fails too; a test file may be named instead of its playbook', async () => {
    const dir = await copyShipped();
    const file = join(dir, 'page-critical.tests.yml');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace('dedup_key: inc-crit-1\n', 'dedup_key: inc-crit-9\n').replace('status: not_triggered', 'status: succeeded'),
    );
    const { code, lines } = await vigilPlaybooksTest(file);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('  '))).toEqual([
      expect.stringMatching(
        new RegExp(`^  ${file}:\\d+: step page: called with \\{.*"dedup_key":"inc-crit-1".*\\}, expected \\{.*"dedup_key":"inc-crit-9"`),
      ),
      expect.stringMatching(new RegExp(`^  ${file}:\\d+: run: expected succeeded, got not_triggered$`)),
    ]);
  });

  it('a playbook without a test file, or with a broken one, is a problem: exit 2', async () => {
    const dir = await copyShipped();
    await unlink(join(dir, 'page-critical.tests.yml'));
    await writeFile(join(dir, 'notify-soc-webhook.tests.yml'), 'tests:\n  - name: no expectations\n    incident: { id: x }\n');
    const { code, lines } = await vigilPlaybooksTest(dir);
    expect(code).toBe(2);
    expect(lines).toContain(
      `${join(dir, 'page-critical.yml')}: playbook page-critical has no test file (${join(dir, 'page-critical.tests.yml')}) [PLAYBOOK_TEST_FAILED]`,
    );
    expect(lines.some((l) => l.startsWith(`${join(dir, 'notify-soc-webhook.tests.yml')}:2`) && l.includes('expect is required'))).toBe(
      true,
    );
  });
});
