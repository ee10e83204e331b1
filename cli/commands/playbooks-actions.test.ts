import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../playbooks/actions/registry.js';

const vigil = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
};

describe('vigil playbooks actions (the real CLI)', () => {
  const run = vigil('playbooks', 'actions');

  it('lists every registered action, core and library, once per line in name order', () => {
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const names = lines.map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(Object.keys(ACTIONS).sort());
    expect(names).toEqual(
      expect.arrayContaining([
        'http.request',
        'email.send',
        'kafka.produce',
        'elasticsearch.query',
        'transform',
        'slack.post_message',
        'crowdstrike.contain_host',
        'nftables.block_address',
        'nftables.unblock_address',
        'edl.add',
        'edl.remove',
        'aws.iam.deactivate_access_key',
        'keycloak.disable_user',
        'keycloak.logout_user',
        'okta.suspend_user',
        'okta.clear_sessions',
        'defender.isolate_machine',
        'defender.unisolate_machine',
      ]),
    );
  });

  it('shows each input with required mark, type, default and secret flag, then the description', () => {
    const slack = run.stdout.split('\n').find((l) => l.startsWith('slack.post_message '));
    expect(slack?.replace(/^slack.post_message\s+/, '')).toBe(
      'token*:string(secret) channel*:string text*:string blocks:array thread_ts:string base_url:url=https://slack.com/api — Posts a message to a Slack channel (Web API chat.postMessage)',
    );
    expect(run.stdout).toMatch(/^email\.send\s+server\*:url\(secret\) from\*:string to\*:array subject\*:string /m);
    expect(run.stdout).toMatch(
      /^nftables\.block_address\s+host\*:string host_key\*:string private_key\*:string\(secret\) address\*:string port:integer=22 .*ttl:string=24h — /m,
    );
    expect(run.stdout).toMatch(
      /^keycloak\.disable_user\s+base_url\*:url realm\*:string client_id\*:string client_secret\*:string\(secret\) auth_realm:string user_id:string username:string — /m,
    );
    expect(run.stdout).toMatch(/^okta\.suspend_user\s+base_url\*:url api_token\*:string\(secret\) user\*:string — /m);
    expect(run.stdout).toMatch(/^defender\.isolate_machine\s+.*client_secret\*:string\(secret\) .*isolation_type:string=Full /m);
    expect(run.stdout).toMatch(/^edl\.add\s+list\*:string entry\*:string ttl:string=24h — /m);
    expect(run.stdout).toMatch(
      /^aws\.iam\.deactivate_access_key\s+access_key_id\*:string aws_access_key_id\*:string\(secret\) aws_secret_access_key\*:string\(secret\) /m,
    );
  });

  it('refuses arguments and unknown subcommands with exit 2', () => {
    expect(vigil('playbooks', 'actions', 'extra').code).toBe(2);
    const unknown = vigil('playbooks', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown subcommand "nope"/);
  });
});
