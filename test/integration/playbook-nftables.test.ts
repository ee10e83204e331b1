import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runIdOf } from '../../playbooks/index.js';
import { firewallHostUnavailable, setElements, startFirewallHost, type FirewallHost } from '../support/netns-ssh.js';
import { find, harness, incident, runEnded, type Harness } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';

/**
 * nftables.block_address / unblock_address from playbook runs on real Redis (BullMQ worker), against a
 * real Linux firewall: sshd and nftables in a network namespace this test creates, reached with the
 * system OpenSSH client. What the kernel holds is read back with `nft -j list set` in the namespace.
 */
const unavailable = firewallHostUnavailable();
if (unavailable) console.warn(`playbook-nftables: skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('nftables actions over SSH into a real namespace', () => {
  let fw: FirewallHost;
  beforeAll(() => {
    fw = startFirewallHost({ table: 'vigil', set: 'blocklist' });
  });
  afterAll(() => fw?.stop());

  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });

  const target = (hostKey = fw.hostKey) =>
    `host: "${fw.host}", port: ${fw.port}, host_key: "${hostKey}", private_key: "\${{ secrets.FW_KEY }}", table: vigil, set: blocklist, set_v6: blocklist6`;
  const playbook = (id: string, rule: string, step: string) =>
    [`id: ${id}`, 'secrets: [FW_KEY]', `trigger: { selection: { incident.rule.id: ${rule} }, condition: selection }`, 'steps:', step].join(
      '\n',
    );
  const start = async (playbooks: Record<string, string>) => {
    const h = await harness({ playbooks, secrets: () => ({ FW_KEY: fw.clientKey }) });
    open.push(h);
    return h;
  };
  // The firewall sits on a private network: a step reaches it only when allowed.
  const allow = () => `    allow_hosts: [${fw.host}]`;
  const elements = (set = 'blocklist') => setElements(fw, 'inet', 'vigil', set);
  const vals = (set?: string) => elements(set).map((e) => JSON.stringify(e.val));

  it('blocks every address of the incident with a timeout, and unblocks one; secrets stay out of Redis and the audit', async () => {
    const h = await start({
      'block.yml': playbook(
        'fw-block',
        'r-block',
        [
          '  - ref: block',
          '    for_each: $.incident.entities.ips',
          '    action: nftables.block_address',
          `    args: { ${target()}, address: "\${{ $.item }}", ttl: 1h }`,
          allow(),
        ].join('\n'),
      ),
      'unblock.yml': playbook(
        'fw-unblock',
        'r-unblock',
        [
          '  - ref: unblock',
          '    for_each: $.incident.entities.ips',
          '    action: nftables.unblock_address',
          `    args: { ${target()}, address: "\${{ $.item }}" }`,
          allow(),
        ].join('\n'),
      ),
    });
    const ips = ['203.0.113.45', '198.51.100.0/24', '2001:DB8::7'];
    const rule = (id: string) => ({ id, name: id, level: 'high' });
    await h.responder.dispatch(incident('inc-fw-1', { rule: rule('r-block'), entities: { ips } }));
    const blockRun = runIdOf('fw-block', 'inc-fw-1');
    expect((await runEnded(h, blockRun)).event.outcome).toBe('success');

    const [done] = find(h.audit, 'playbook.step.succeeded', { run: blockRun, step: 'block' });
    expect(done?.vigil.playbook.result).toEqual([
      { address: '203.0.113.45', set: 'inet vigil blocklist', ttl_s: 3600 },
      { address: '198.51.100.0/24', set: 'inet vigil blocklist', ttl_s: 3600 },
      { address: '2001:db8::7', set: 'inet vigil blocklist6', ttl_s: 3600 },
    ]);
    const v4 = elements();
    expect(v4.map((e) => e.val)).toEqual(expect.arrayContaining(['203.0.113.45', { prefix: { addr: '198.51.100.0', len: 24 } }]));
    for (const e of v4) {
      expect(e.timeout).toBe(3600);
      expect(e.expires).toBeGreaterThan(3500);
    }
    expect(elements('blocklist6')).toEqual([expect.objectContaining({ val: '2001:db8::7', timeout: 3600 })]);

    // Adding what is there already changes nothing and succeeds: a retried or re-run block is harmless.
    await h.responder.dispatch(incident('inc-fw-2', { rule: rule('r-block'), entities: { ips: ['203.0.113.45'] } }));
    expect((await runEnded(h, runIdOf('fw-block', 'inc-fw-2'))).event.outcome).toBe('success');
    expect(vals().filter((v) => v === '"203.0.113.45"')).toHaveLength(1);

    await h.responder.dispatch(incident('inc-fw-3', { rule: rule('r-unblock'), entities: { ips: ['203.0.113.45', '192.0.2.200'] } }));
    const unblockRun = runIdOf('fw-unblock', 'inc-fw-3');
    expect((await runEnded(h, unblockRun)).event.outcome).toBe('success');
    expect(find(h.audit, 'playbook.step.succeeded', { run: unblockRun })[0]?.vigil.playbook.result).toEqual([
      { address: '203.0.113.45', set: 'inet vigil blocklist', removed: true },
      // Never blocked: nothing to remove, and that is not a failure.
      { address: '192.0.2.200', set: 'inet vigil blocklist', removed: false },
    ]);
    expect(vals()).not.toContain('"203.0.113.45"');
    expect(vals()).toContain(JSON.stringify({ prefix: { addr: '198.51.100.0', len: 24 } }));

    const keyBody = fw.clientKey.split('\n')[1] as string;
    expect(keyBody.length).toBeGreaterThan(20);
    expect(JSON.stringify(h.audit)).not.toContain(keyBody);
    expect(await redisText(h.prefix)).not.toContain(keyBody);
  });

  it.each([
    ['1.2.3.4; rm -rf /'],
    ['1.2.3.4 }; flush ruleset; {'],
    ['$(touch /tmp/pwned)'],
    ["1.2.3.4' ; id ; '"],
    ['10.0.0.5/24'],
    ['999.1.1.1'],
  ])('refuses the address %j before anything is sent', async (hostile) => {
    const before = fw.logins();
    const h = await start({
      'block.yml': playbook(
        'fw-hostile',
        'r-hostile',
        [
          '  - ref: block',
          '    action: nftables.block_address',
          `    args: { ${target()}, address: "\${{ $.incident.source.ip }}" }`,
          allow(),
        ].join('\n'),
      ),
    });
    await h.responder.dispatch(incident('inc-hostile', { rule: { id: 'r-hostile' }, source: { ip: hostile } }));
    const run = runIdOf('fw-hostile', 'inc-hostile');
    expect((await runEnded(h, run)).event.outcome).toBe('failure');
    const failed = find(h.audit, 'playbook.step.failed', { run, step: 'block' });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error?.code).toBe('ACTION_REJECTED');
    expect(failed[0]?.error?.message).toMatch(/address must be an IPv4 or IPv6 address/);
    expect(fw.logins()).toBe(before);
    // The ruleset is whole: the table and both sets are still there.
    expect(() => fw.nft('list', 'set', 'inet', 'vigil', 'blocklist6')).not.toThrow();
  });

  it('refuses the private firewall address when the step does not allow it, and never connects', async () => {
    const before = fw.logins();
    const h = await start({
      'block.yml': playbook(
        'fw-unallowed',
        'r-unallowed',
        ['  - ref: block', '    action: nftables.block_address', `    args: { ${target()}, address: 192.0.2.78 }`].join('\n'),
      ),
    });
    await h.responder.dispatch(incident('inc-unallowed', { rule: { id: 'r-unallowed' } }));
    const run = runIdOf('fw-unallowed', 'inc-unallowed');
    expect((await runEnded(h, run)).event.outcome).toBe('failure');
    const [failed] = find(h.audit, 'playbook.step.failed', { run, step: 'block' });
    expect(failed?.error).toMatchObject({ code: 'ACTION_ADDRESS_REFUSED', message: expect.stringMatching(/private address.*allow_hosts/) });
    expect(fw.logins()).toBe(before);
    expect(vals()).not.toContain('"192.0.2.78"');
  });

  it('reaches the private firewall an input names when allow_hosts follows that input (the shipped contain-ssh-bruteforce)', async () => {
    const h = await start({
      'block.yml': [
        'id: fw-input',
        'secrets: [FW_KEY]',
        'trigger: { selection: { incident.rule.id: r-input }, condition: selection }',
        'inputs:',
        `  firewall_host: { type: string, default: "${fw.host}" }`,
        'steps:',
        '  - ref: block',
        '    action: nftables.block_address',
        `    args: { ${target().replace(`"${fw.host}"`, '"${{ $.inputs.firewall_host }}"')}, address: 192.0.2.79, ttl: 1h }`,
        "    allow_hosts: ['${{ $.inputs.firewall_host }}']",
      ].join('\n'),
    });
    await h.responder.dispatch(incident('inc-input', { rule: { id: 'r-input' } }));
    expect((await runEnded(h, runIdOf('fw-input', 'inc-input'))).event.outcome).toBe('success');
    expect(vals()).toContain('"192.0.2.79"');
  });

  it('refuses a host whose key is not the pinned one, and never logs in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-otherkey-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
      const otherKey = readFileSync(join(dir, 'k.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      const before = fw.logins();
      const h = await start({
        'block.yml': playbook(
          'fw-wrongkey',
          'r-wrongkey',
          ['  - ref: block', '    action: nftables.block_address', `    args: { ${target(otherKey)}, address: 192.0.2.77 }`, allow()].join(
            '\n',
          ),
        ),
      });
      await h.responder.dispatch(incident('inc-wrongkey', { rule: { id: 'r-wrongkey' } }));
      const run = runIdOf('fw-wrongkey', 'inc-wrongkey');
      expect((await runEnded(h, run)).event.outcome).toBe('failure');
      const [failed] = find(h.audit, 'playbook.step.failed', { run, step: 'block' });
      expect(failed?.error).toMatchObject({ code: 'ACTION_REJECTED', message: expect.stringMatching(/Host key verification failed/) });
      expect(fw.logins()).toBe(before);
      expect(vals()).not.toContain('"192.0.2.77"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
