import { describe, expect, it } from 'vitest';
import { VENDORS, vendorsFor } from './index.js';
import { sshd } from './sshd.js';
import { sudo } from './sudo.js';

// Elastic's system.auth categorization: every result is `info`; an accepted login also opens a session.
const fail = { category: ['authentication'], type: ['info'], outcome: 'failure', action: 'ssh_login' };
const ok = { ...fail, category: ['authentication', 'session'], outcome: 'success' };
const info = fail;

describe('sshd', () => {
  it.each([
    {
      msg: 'Failed password for invalid user admin from 203.0.113.45 port 52144 ssh2',
      want: {
        event: fail,
        user: { name: 'admin' },
        source: { ip: '203.0.113.45', port: 52144 },
        related: { ip: ['203.0.113.45'], user: ['admin'] },
      },
    },
    {
      msg: 'Failed password for root from 203.0.113.45 port 52160 ssh2',
      want: {
        event: fail,
        user: { name: 'root' },
        source: { ip: '203.0.113.45', port: 52160 },
        related: { ip: ['203.0.113.45'], user: ['root'] },
      },
    },
    {
      msg: 'Failed publickey for git from 198.51.100.9 port 2222 ssh2: RSA SHA256:abc',
      want: {
        event: fail,
        user: { name: 'git' },
        source: { ip: '198.51.100.9', port: 2222 },
        related: { ip: ['198.51.100.9'], user: ['git'] },
      },
    },
    {
      msg: 'Failed password for invalid user john smith from 203.0.113.45 port 1 ssh2',
      want: {
        event: fail,
        user: { name: 'john smith' },
        source: { ip: '203.0.113.45', port: 1 },
        related: { ip: ['203.0.113.45'], user: ['john smith'] },
      },
    },
    {
      msg: 'Failed none for invalid user  from 203.0.113.45 port 5 ssh2',
      want: { event: fail, source: { ip: '203.0.113.45', port: 5 }, related: { ip: ['203.0.113.45'] } },
    },
    {
      msg: 'Accepted password for deploy from 203.0.113.45 port 53022 ssh2',
      want: {
        event: ok,
        user: { name: 'deploy' },
        source: { ip: '203.0.113.45', port: 53022 },
        related: { ip: ['203.0.113.45'], user: ['deploy'] },
      },
    },
    {
      msg: 'Accepted keyboard-interactive/pam for ops from ::1 port 40022 ssh2',
      want: { event: ok, user: { name: 'ops' }, source: { ip: '::1', port: 40022 }, related: { ip: ['::1'], user: ['ops'] } },
    },
    {
      msg: 'Invalid user oracle from 203.0.113.45 port 52200',
      want: {
        event: info,
        user: { name: 'oracle' },
        source: { ip: '203.0.113.45', port: 52200 },
        related: { ip: ['203.0.113.45'], user: ['oracle'] },
      },
    },
    {
      msg: 'Failed password for alice from gw.example.net port 40000 ssh2',
      want: { event: fail, user: { name: 'alice' }, source: { address: 'gw.example.net', port: 40000 }, related: { user: ['alice'] } },
    },
  ])('$msg', ({ msg, want }) => {
    expect(sshd(msg)).toEqual(want);
  });

  it.each([
    'Connection closed by invalid user admin 203.0.113.45 port 52144 [preauth]',
    'Received disconnect from 203.0.113.45 port 52144:11: Bye Bye [preauth]',
    'pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)',
    'Server listening on 0.0.0.0 port 22.',
    '',
  ])('ignores %j', (msg) => {
    expect(sshd(msg)).toBeUndefined();
  });
});

describe('sudo', () => {
  it.each([
    {
      msg: 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash -i',
      want: {
        event: { category: ['process'], type: ['start'], action: 'sudo', outcome: 'success' },
        user: { name: 'alice', effective: { name: 'root' } },
        process: { command_line: '/bin/bash -i', working_directory: '/home/alice' },
        related: { user: ['alice', 'root'] },
      },
    },
    {
      msg: '   deploy : TTY=pts/1 ; PWD=/srv ; USER=postgres ; GROUP=postgres ; ENV=PGDATA=/x ; COMMAND=/usr/bin/psql -c select 1 ; drop',
      want: {
        event: { category: ['process'], type: ['start'], action: 'sudo', outcome: 'success' },
        user: { name: 'deploy', effective: { name: 'postgres' } },
        process: { command_line: '/usr/bin/psql -c select 1 ; drop', working_directory: '/srv' },
        related: { user: ['deploy', 'postgres'] },
      },
    },
    {
      msg: 'mallory : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/sh',
      want: {
        event: { category: ['process'], type: ['start'], action: 'sudo', outcome: 'failure', reason: 'user NOT in sudoers' },
        user: { name: 'mallory', effective: { name: 'root' } },
        process: { command_line: '/bin/sh', working_directory: '/home/mallory' },
        related: { user: ['mallory', 'root'] },
      },
    },
    {
      msg: 'root : TTY=unknown ; PWD=/ ; USER=root ; COMMAND=/usr/sbin/logrotate',
      want: {
        event: { category: ['process'], type: ['start'], action: 'sudo', outcome: 'success' },
        user: { name: 'root', effective: { name: 'root' } },
        process: { command_line: '/usr/sbin/logrotate', working_directory: '/' },
        related: { user: ['root'] },
      },
    },
  ])('$msg', ({ msg, want }) => {
    expect(sudo(msg)).toEqual(want);
  });

  it.each([
    'pam_unix(sudo:session): session opened for user root(uid=0) by deploy(uid=1001)',
    'pam_unix(sudo:auth): authentication failure; logname=deploy uid=1001',
    'deploy : a message without fields',
    '',
  ])('ignores %j', (msg) => {
    expect(sudo(msg)).toBeUndefined();
  });
});

describe('vendor registry', () => {
  it('is keyed by vendor, and finds vendors by program name or TAG prefix', () => {
    expect(Object.keys(VENDORS).sort()).toEqual([
      'accounts',
      'cisco-asa',
      'fortigate',
      'pam',
      'pan-os',
      'pfsense',
      'sshd',
      'su',
      'sudo',
      'suricata',
      'systemd-logind',
    ]);
    expect(vendorsFor('sshd')).toEqual([VENDORS.sshd]);
    expect(vendorsFor('sshd-session')).toEqual([VENDORS.sshd]);
    expect(vendorsFor('sudo')).toEqual([VENDORS.sudo]);
    expect(vendorsFor('%ASA-6-302013')).toEqual([VENDORS['cisco-asa']]);
    expect(vendorsFor('filterlog')).toEqual([VENDORS.pfsense]);
    expect(vendorsFor('CRON')).toEqual([]);
    expect(vendorsFor(undefined)).toEqual([]);
    expect(vendorsFor('toString')).toEqual([]);
    expect(VENDORS.sshd.normalize).toBe(sshd);
    expect(VENDORS.sudo.normalize).toBe(sudo);
  });
});
