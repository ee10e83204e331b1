import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A Linux firewall host for the nftables actions: a network namespace of its own joined to this
 * one by a veth pair, with a real sshd (key login only) and nftables inside it. Everything it
 * makes is deleted by `stop()` (deleting the namespace removes the veth pair and its nft tables).
 */
export interface FirewallHost {
  /** The namespace's address, where sshd listens. */
  host: string;
  port: number;
  /** `ssh-ed25519 AAAA…`: sshd's host key, to pin. */
  hostKey: string;
  /** The client's private key, authorized for root. */
  clientKey: string;
  /** Runs `nft <args>` inside the namespace (no shell) and returns stdout. */
  nft(...args: string[]): string;
  /** How many logins sshd accepted so far. */
  logins(): number;
  stop(): void;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Why the firewall host cannot run here, or undefined when it can. Installs sshd/nft when missing (idempotent). */
export function firewallHostUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root (CAP_NET_ADMIN)';
  if (!existsSync('/usr/sbin/sshd') || !existsSync('/usr/sbin/nft')) {
    spawnSync('bash', [join(ROOT, 'scripts/ensure-netns-ssh.sh')], { stdio: 'inherit' });
  }
  if (!existsSync('/usr/sbin/sshd') || !existsSync('/usr/sbin/nft'))
    return 'openssh-server or nftables is not installed (scripts/ensure-netns-ssh.sh)';
  if (!existsSync('/usr/bin/ssh')) return 'the OpenSSH client /usr/bin/ssh is missing';
  const probe = `vglprobe${randomBytes(3).toString('hex')}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0) return `ip netns add failed: ${add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Starts the namespace and sshd, and creates `table inet <table>` with an IPv4 set and an IPv6
 * set (`flags timeout`) named `<set>` and `<set>6`.
 */
export function startFirewallHost(opts: { table: string; set: string }): FirewallHost {
  const id = randomBytes(3).toString('hex');
  const ns = `vgl${id}`;
  const [hostIf, nsIf] = [`vgl${id}h`, `vgl${id}n`];
  // A /30 of 10.201.0.0/16 picked at random, so parallel runs do not collide.
  const n = randomBytes(2).readUInt16BE(0) & 0x3fff;
  const net = [10, 201, n >> 6, (n & 0x3f) << 2];
  const hostSide = `${net[0]}.${net[1]}.${net[2]}.${(net[3] as number) + 1}`;
  const nsSide = `${net[0]}.${net[1]}.${net[2]}.${(net[3] as number) + 2}`;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fw-'));
  const inNs = (...args: string[]) => run('ip', 'netns', 'exec', ns, ...args);
  let sshdStarted = false;
  const stop = () => {
    const pid = join(dir, 'sshd.pid');
    if (sshdStarted && existsSync(pid)) spawnSync('kill', [readFileSync(pid, 'utf8').trim()]);
    spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', hostIf]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('ip', 'netns', 'add', ns);
    run('ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    run('ip', 'link', 'set', nsIf, 'netns', ns);
    run('ip', 'addr', 'add', `${hostSide}/30`, 'dev', hostIf);
    run('ip', 'link', 'set', hostIf, 'up');
    run('ip', '-n', ns, 'addr', 'add', `${nsSide}/30`, 'dev', nsIf);
    run('ip', '-n', ns, 'link', 'set', nsIf, 'up');
    run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
    run('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey'));
    run('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'clientkey'));
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'clientkey.pub')), { mode: 0o600 });
    const port = 2222;
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        `ListenAddress ${nsSide}`,
        `HostKey ${join(dir, 'hostkey')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        `PidFile ${join(dir, 'sshd.pid')}`,
        '',
      ].join('\n'),
    );
    mkdirSync('/run/sshd', { recursive: true });
    inNs('/usr/sbin/sshd', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log'));
    sshdStarted = true;
    inNs('nft', 'add', 'table', 'inet', opts.table);
    inNs('nft', `add set inet ${opts.table} ${opts.set} { type ipv4_addr; flags timeout, interval; }`);
    inNs('nft', `add set inet ${opts.table} ${opts.set}6 { type ipv6_addr; flags timeout; }`);
    return {
      host: nsSide,
      port,
      hostKey: readFileSync(join(dir, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' '),
      clientKey: readFileSync(join(dir, 'clientkey'), 'utf8'),
      nft: (...args) => inNs('nft', ...args),
      logins: () => {
        const log = join(dir, 'sshd.log');
        return existsSync(log) ? (readFileSync(log, 'utf8').match(/Accepted publickey/g) ?? []).length : 0;
      },
      stop,
    };
  } catch (err) {
    stop();
    throw err;
  }
}

/** The elements of an nft set as `nft -j list set` reports them: `{val, timeout?, expires?}`. */
export function setElements(
  fw: FirewallHost,
  family: string,
  table: string,
  set: string,
): { val: unknown; timeout?: number; expires?: number }[] {
  const doc = JSON.parse(fw.nft('-j', 'list', 'set', family, table, set)) as { nftables: Array<{ set?: { elem?: unknown[] } }> };
  const elems = doc.nftables.find((x) => x.set)?.set?.elem ?? [];
  return elems.map((e) => {
    const el = (e as { elem?: { val: unknown; timeout?: number; expires?: number } }).elem;
    return el ?? { val: e };
  });
}
