/**
 * `vigil hunt` and `vigil rules` as a user runs them: the CLI in a child process, over the
 * fixtures in test/fixtures/hunt. No services needed.
 *
 * The attack events (test/fixtures/hunt/attacks) were written from what each technique does
 * (a mimikatz command line, a certutil download, LSASS opened by a dump tool…), not from the
 * rules' values; each must fire the SigmaHQ rules listed, and nothing outside the reviewed list.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIGMA = process.env.SIGMA_CORPUS ?? fileURLToPath(new URL('../../../shared/sigma/rules', import.meta.url));
const FIX = 'test/fixtures/hunt';

function vigil(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Alert {
  rule: { id: string; name: string };
  log: { file: { path: string } };
  vigil: { source: { file: string; line: number }; alert: { event: Record<string, unknown>; level: string } };
  event: { kind: string };
}

const alertsOf = (stdout: string): Alert[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Alert);

/** Per attack file: the rules it must fire, and the other rules a review found right to fire too. */
const ATTACKS: Record<string, { expect: string[]; allow?: string[] }> = {
  // mimikatz with its privilege::debug / sekurlsa::logonpasswords commands
  'mimikatz-logonpasswords.json': { expect: ['a642964e-bead-4bed-8910-1bb4d63e3b4d', '06d71506-7beb-4f22-8888-e2e5e2ca7fd8'] },
  // certutil -urlcache -f fetching from a bare IP
  'certutil-download.json': { expect: ['19b08b1c-861d-4e75-a1ef-ea0c1baf202b', '13e6fe51-d478-4c7e-b0f2-6da9b400a829'] },
  'vssadmin-delete-shadows.json': { expect: ['c947b146-0abc-4c87-9c64-b17e9d7274a2'] },
  // a hidden -EncodedCommand PowerShell started by Word
  'powershell-encoded.json': {
    expect: ['ca2092a1-c273-4878-9b4b-0d60115bf5ea', '438025f9-5856-4663-83f7-52f878a70a50'],
    allow: [
      'b9d9cc83-380b-4ba3-8d8f-60c0e7e2930c', // encoded command patterns
      'fb843269-508c-4b76-8b8d-88679db22ce7', // powershell with base64
      'f4bbd493-b796-416e-bbf2-121235348529', // non-interactive powershell
      'c86133ad-4725-4bd0-8170-210788e0a7ba', // the payload decodes to Net.WebClient
    ],
  },
  // procdump opening lsass with full access, dbghelp in the call trace
  'lsass-access.json': {
    expect: ['5ef9853e-4d0e-4a70-846f-a9ca37d876da'],
    allow: ['9bd012ee-0dff-44d7-84a0-aa698cfd87a3', '9f5c1d59-33be-4e60-bcab-85d2f566effd'],
  },
  'schtasks-create.json': {
    expect: ['92626ddd-662c-49e3-ac59-f6535f12d189'],
    allow: ['81325ce1-be01-4250-944f-b4789644556f', '7a02e22e-b885-4404-b38b-1ddc7e65258a'],
  },
  'whoami-priv.json': { expect: ['97a80ec7-0e2f-4d05-9ef4-65760e634f6b'], allow: ['502b42de-4306-40b4-9596-6f590c81f073'] },
  'rundll32-public-dll.json': { expect: ['1723e720-616d-4ddc-ab02-f7e3685a4713'] },
  // bash -i >& /dev/tcp/… through sudo, as a syslog line
  'linux-reverse-shell.log': {
    expect: ['738d9bcf-6999-4fdb-b4ac-3033037db8ab', '6cc5fceb-9a71-4c23-aeeb-963abe0b279c', '729a5586-ae1e-4834-9dcd-0beb3bdcf9fa'],
  },
};

describe.skipIf(!existsSync(SIGMA))('vigil hunt over hand-written attacks with the SigmaHQ rules', () => {
  const run = vigil(['hunt', '--rules', SIGMA, '--rules', 'rules/sigma', '--output', 'jsonl', `${FIX}/attacks`]);
  const alerts = alertsOf(run.stdout);
  const fired = new Map<string, Set<string>>();
  for (const a of alerts) {
    const file = a.vigil.source.file.split('/').pop() as string;
    fired.set(file, (fired.get(file) ?? new Set()).add(a.rule.id));
  }

  it('exits 0 and prints alerts with the rule, the source file and line, and the event', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a.event.kind).toBe('alert');
      expect(a.rule.id).toBeTruthy();
      expect(a.rule.name).toBeTruthy();
      expect(a.log.file.path).toContain('attacks/');
      expect(a.vigil.source.line).toBeGreaterThan(0);
      expect(a.vigil.alert.event).toBeTypeOf('object');
    }
    expect(run.stderr).toMatch(/alerts by rule:/);
    expect(run.stderr).toMatch(/alerts by level: critical \d+, high \d+/);
  });

  it.each(Object.entries(ATTACKS))('%s fires the expected rules and no unexpected one', (file, want) => {
    const got = fired.get(file) ?? new Set<string>();
    for (const id of want.expect) expect([...got], `${file} should fire ${id}`).toContain(id);
    const allowed = new Set([...want.expect, ...(want.allow ?? [])]);
    expect(
      [...got].filter((id) => !allowed.has(id)),
      `${file} fired rules outside the reviewed list`,
    ).toEqual([]);
  });

  it('gives the same alerts without the prefilter', () => {
    const naive = vigil(['hunt', '--rules', SIGMA, '--rules', 'rules/sigma', '--output', 'jsonl', '--no-prefilter', `${FIX}/attacks`]);
    const key = (a: Alert): string => `${a.vigil.source.file}:${a.vigil.source.line} ${a.rule.id}`;
    expect(alertsOf(naive.stdout).map(key).sort()).toEqual(alerts.map(key).sort());
  });
});

describe('vigil hunt over each input format', () => {
  const rules = ['--rules', `${FIX}/rules`, '--rules', 'rules/sigma'];

  it.each(['ecs', 'raw'])('reads evtx_dump, Winlogbeat, ECS JSON lines and syslog lines (pipeline %s)', (pipeline) => {
    const r = vigil(['hunt', ...rules, '--pipeline', pipeline, '--output', 'jsonl', `${FIX}/logs`]);
    expect(r.code, r.stderr).toBe(0);
    const got = alertsOf(r.stdout).map((a) => `${a.vigil.source.file.split('/').pop()}:${a.vigil.source.line} ${a.rule.name}`);
    expect(got.sort()).toEqual(
      [
        'auth.log:1 SSH Authentication Failure for Invalid or Privileged User',
        'auth.log:3 SSH Authentication Failure for Invalid or Privileged User',
        'ecs.jsonl:1 Interactive Root Shell Through Sudo',
        'evtx-whoami.json:1 Whoami Privilege Listing (hunt fixture)',
        'winlogbeat.jsonl:1 Whoami Privilege Listing (hunt fixture)',
      ].sort(),
    );
    // the line that is not JSON is reported with its place, and counted
    expect(r.stderr).toMatch(/ecs\.jsonl:2: not JSON/);
    expect(r.stderr).toMatch(/4 files, 7 events, 5 alerts from 3 rules, 1 unreadable record/);
  });

  it('prints a table and the summary on stdout by default', () => {
    const r = vigil(['hunt', ...rules, `${FIX}/logs/auth.log`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^time\s+level\s+rule\s+source/m);
    expect(r.stdout).toMatch(
      /medium\s+SSH Authentication Failure for Invalid or Privileged User\s+test\/fixtures\/hunt\/logs\/auth\.log:1/,
    );
    expect(r.stdout).toMatch(/alerts by level: medium 2/);
  });

  it('refuses a command line without rules or files', () => {
    expect(vigil(['hunt', `${FIX}/logs`]).code).toBe(1);
    expect(vigil(['hunt', '--rules', 'rules/sigma']).code).toBe(1);
    expect(vigil(['hunt', '--rules', 'rules/sigma', '--pipeline', 'nope', `${FIX}/logs`]).stderr).toMatch(
      /no pipeline 'nope' \(known: .*ecs.*raw/,
    );
  });
});

describe('vigil hunt with correlation rules', () => {
  // Two hosts' logs of one brute force: web-02.log holds the first six failures, web-01.log the
  // six that come two minutes later. In file order web-02's would be too late for the window.
  const dir = `${FIX}/correlation`;

  it('correlates in event time across files and names the event that completed the window', () => {
    const r = vigil(['hunt', '--rules', 'rules/correlation', '--output', 'jsonl', dir]);
    expect(r.code).toBe(0);
    const alerts = alertsOf(r.stdout) as unknown as Array<Alert & { vigil: { correlation: { count: number; events: string[] } } }>;
    expect(alerts.map((a) => a.rule.name)).toEqual(['SSH Brute Force']);
    const [brute] = alerts;
    expect(brute!.vigil.correlation.count).toBe(10);
    expect(brute!.vigil.correlation.events).toHaveLength(10);
    // The 10th failure in time is web-01's 4th line; the base rule (not generated) raises nothing.
    expect(brute!.vigil.source).toEqual({ file: `${dir}/web-01.log`, line: 4 });
    expect(r.stderr).toMatch(/2 files, 12 events, 1 alert from 1 rule/);
  });

  it('keeps the rules a correlation silences quiet, and the others loud', () => {
    const r = vigil(['hunt', '--rules', 'rules/sigma', '--rules', 'rules/correlation', 'rules/samples/linux-attack.log']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/high\s+SSH Brute Force\s+rules\/samples\/linux-attack\.log:\d+/);
    expect(r.stdout).toMatch(/critical\s+SSH Brute Force Followed by a Successful Login/);
    expect(r.stdout).not.toMatch(/SSH Failed Login|Any Event From a Host/);
    // The unreadable garbage line carries today's date: it must not close the flatline's window.
    expect(r.stdout).not.toMatch(/Host Stopped Sending Logs/);
  });
});

describe('vigil rules', () => {
  it('validate: every problem with file:line, a summary, exit 1', () => {
    const r = vigil(['rules', 'validate', 'detections/sigma/fixtures/invalid', 'rules/sigma']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^detections\/sigma\/fixtures\/invalid\/unknown-modifier\.yml:\d+:\d+ .*unknown modifier 'contians' \[RULE_INVALID\]$/m,
    );
    expect(r.stdout).toMatch(/\d+ files: 4 loaded, \d+ rejected \(\d+ problems\) \[pipeline ecs\]$/m);
  });

  it('validate: exit 0 on good rules', () => {
    const r = vigil(['rules', 'validate', 'rules/sigma', `${FIX}/rules`]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/5 files: 5 loaded, 0 rejected \(0 problems\)/);
  });

  it('test: runs the sidecars, prints a table, exit 0 when all pass', () => {
    const r = vigil(['rules', 'test', 'rules/sigma', `${FIX}/rules`]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^rule\s+match\s+nomatch\s+result$/m);
    expect(r.stdout).toMatch(/lnx_sudo_root_shell\.yml\s+3\/3\s+4\/4\s+ok/);
    expect(r.stdout).toMatch(/^5 passed, 0 failed$/m);
  });

  it('test: exit 1 and the failing case when a test fails', () => {
    const r = vigil(['rules', 'test', `${FIX}/rules-failing`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/win_whoami_priv\.yml\s+0\/1\s+0\/0\s+FAIL/);
    expect(r.stdout).toMatch(/match\[0\] did not fire 5f0e4c1e/);
  });
});
