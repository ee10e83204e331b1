import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runIdOf } from '../../playbooks/index.js';
import { SERVICES } from '../support/config.js';
import { HIGH, find, harness, incident, playbookDir, runEnded, type Harness } from '../support/playbooks.js';
import { waitFor } from '../support/wait.js';

/**
 * `vigil playbook …` and `vigil playbooks validate`, run as real child processes against the
 * Redis a responder in this process works on (its worker does what the commands ask).
 */

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}
function vigil(...args: string[]): Promise<Cli> {
  const child = spawn(process.execPath, ['bin/vigil.js', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const PLAYBOOK = [
  'id: contain',
  'secrets: [HOOK]',
  HIGH,
  'inputs:',
  '  hours: { type: number, default: 24 }',
  'steps:',
  '  - ref: ok',
  '    approval: { prompt: "Block ${{ $.incident.source.ip }} for ${{ $.inputs.hours }}h?", timeout: 10m }',
  '  - ref: block',
  '    needs: [ok]',
  '    action: http.request',
  '    args: { url: "${{ secrets.HOOK }}/block", body: { ip: "${{ $.incident.source.ip }}", hours: "${{ $.inputs.hours }}" } }',
].join('\n');

let h: Harness;
let config: string;
beforeAll(async () => {
  h = await harness({ playbooks: { 'contain.yml': PLAYBOOK } });
  config = join(h.dir, 'vigil.yaml');
  await writeFile(
    config,
    stringify({
      redis: { url: SERVICES.redis, prefix: h.prefix },
      playbooks: { paths: [join(h.dir, 'contain.yml')], secrets: { HOOK: h.hook.url } },
    }),
  );
  await h.responder.dispatch(incident('inc-cli'));
});
afterAll(() => h.close());

const requested = (runId: string) =>
  waitFor('approval requested', async () => find(h.audit, 'playbook.approval.requested', { run: runId })[0], 15_000, 25);

describe('vigil playbook', () => {
  it('run, runs, show, approve: a manual run with an input, its timeline, and the decision in the audit trail', async () => {
    const auto = runIdOf('contain', 'inc-cli');
    const started = await vigil(
      'playbook',
      'run',
      'contain',
      '--incident',
      'inc-cli',
      '--input',
      'hours=2',
      '--by',
      'dave',
      '--config',
      config,
    );
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const runId = /^run (\S+): playbook contain on incident inc-cli started/.exec(started.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');
    expect(runId).not.toBe(auto);
    await requested(runId);

    const running = await vigil('playbook', 'runs', '--status', 'running', '--incident', 'inc-cli', '--config', config);
    expect(running.code).toBe(0);
    const lines = running.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0]).sort()).toEqual([auto, runId].sort());
    expect(lines.find((l) => l.startsWith(runId))).toMatch(/running\s+contain {2}incident=inc-cli {2}\S+ {2}trigger=manual:dave$/);

    const shown = await vigil('playbook', 'show', runId, '--config', config);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^run ${runId} {2}playbook contain {2}incident inc-cli\nstatus running `));
    expect(shown.stdout).toContain('trigger manual by dave  inputs {"hours":2}');
    expect(shown.stdout).toMatch(/ {2}\S+Z\s+ok\s+approval\s+awaiting approval\n {2}-\s+block\s+http\.request\s+pending/);

    const approved = await vigil(
      'playbook',
      'approve',
      runId,
      'ok',
      '--by',
      'alice',
      '--reason',
      'confirmed scanner abuse',
      '--config',
      config,
    );
    expect([approved.code, approved.stdout.trim()]).toEqual([0, `run ${runId} step ok: approved by alice (confirmed scanner abuse)`]);
    expect((await runEnded(h, runId)).vigil.playbook.status).toBe('succeeded');
    expect(h.hook.calls.map((c) => c.body)).toEqual([{ ip: '203.0.113.45', hours: 2 }]);
    expect(find(h.audit, 'playbook.approval.decided', { run: runId })[0]?.vigil.playbook.approval).toMatchObject({
      decision: 'approved',
      by: 'alice',
      reason: 'confirmed scanner abuse',
    });

    const again = await vigil('playbook', 'deny', runId, 'ok', '--by', 'bob', '--config', config);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/run .* already ended: succeeded \[PLAYBOOK_RUN_STATE\]/);

    const after = await vigil('playbook', 'show', runId, '--config', config);
    expect(after.stdout).toMatch(/status succeeded /);
    expect(after.stdout).toMatch(/ok\s+approval\s+succeeded\s+attempt 1; settled \S+; approved by alice at \S+: confirmed scanner abuse/);
    expect(after.stdout).toMatch(/block\s+http\.request\s+succeeded\s+attempt 1/);
  });

  it('deny and cancel: a denied step fails the run; a cancelled run ends cancelled', async () => {
    const auto = runIdOf('contain', 'inc-cli');
    await requested(auto);
    const other = await vigil('playbook', 'run', 'contain', '--incident', 'inc-cli', '--config', config);
    const otherId = /^run (\S+):/.exec(other.stdout)?.[1] ?? '';
    await requested(otherId);

    const noBy = await vigil('playbook', 'deny', auto, 'ok', '--config', config);
    expect([noBy.code, noBy.stderr]).toEqual([1, expect.stringMatching(/deny needs --by NAME/)]);
    const notApproval = await vigil('playbook', 'approve', auto, 'block', '--by', 'x', '--config', config);
    expect(notApproval.stderr).toMatch(/step block of contain is not an approval step/);

    const denied = await vigil('playbook', 'deny', auto, 'ok', '--by', 'bob', '--reason', 'our own scanner', '--config', config);
    expect(denied.code).toBe(0);
    const ended = await runEnded(h, auto);
    expect([ended.vigil.playbook.status, ended.event.reason]).toEqual(['failed', 'step ok failed']);

    const cancelled = await vigil('playbook', 'cancel', otherId, '--by', 'carol', '--reason', 'duplicate', '--config', config);
    expect(cancelled.code).toBe(0);
    const end = await runEnded(h, otherId);
    expect([end.vigil.playbook.status, end.event.reason]).toEqual(['cancelled', 'cancelled by carol: duplicate']);

    const list = await vigil('playbook', 'runs', '--status', 'cancelled', '--config', config);
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual([otherId]);
    const bad = await vigil('playbook', 'runs', '--status', 'stuck', '--config', config);
    expect([bad.code, bad.stderr]).toEqual([
      1,
      expect.stringMatching(/--status is one of running, succeeded, failed, timed_out, cancelled/),
    ]);
    const wrongInput = await vigil('playbook', 'run', 'contain', '--incident', 'inc-cli', '--input', 'hours=many', '--config', config);
    expect([wrongInput.code, wrongInput.stderr]).toEqual([1, expect.stringMatching(/input "hours" is a number, not "many"/)]);
  });
});

describe('vigil playbooks validate', () => {
  it('exits 0 on the shipped playbooks and 2 with every problem at file:line', async () => {
    const shipped = await vigil('playbooks', 'validate', 'rules/playbooks');
    expect([shipped.code, shipped.stdout]).toEqual([0, expect.stringMatching(/^\d+ playbooks? ok: .*notify-soc-webhook/)]);

    const dir = await playbookDir({
      'good.yml': PLAYBOOK,
      'bad.yml': [
        'id: bad',
        HIGH,
        'steps:',
        '  - ref: a',
        '    action: http.nope',
        '  - ref: b',
        '    needs: [c]',
        '    action: http.request',
        '    args: { url: "https://x.test/${{ $.inputs.nope }}" }',
        '  - ref: c',
        '    needs: [b]',
        '    wait: { for: 1s }',
      ].join('\n'),
    });
    const r = await vigil('playbooks', 'validate', dir);
    expect(r.code).toBe(2);
    const out = r.stdout.replaceAll(dir, '<dir>').trim().split('\n');
    expect(out).toEqual([
      expect.stringMatching(/^<dir>\/bad\.yml:11 steps\[2\]\.needs: needs form a cycle: b → c → b \[PLAYBOOK_INVALID\]$/),
      expect.stringMatching(/^<dir>\/bad\.yml:5 steps\[0\]\.action: unknown action "http\.nope" .*\[PLAYBOOK_INVALID\]$/),
      '<dir>/bad.yml:9 steps[1].args.url: ${{ $.inputs.nope }}: input "nope" is not declared in inputs [TEMPLATE_INVALID]',
      '3 problems; 1 playbook ok',
    ]);
  });
});
