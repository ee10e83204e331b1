import { VigilError } from '../../../core/errors/index.js';
import { parseDuration } from '../../duration.js';
import { parseIpTarget, type IpTarget } from '../address.js';
import { argChecker } from '../args.js';
import { RateLimiter } from '../declarative/limiter.js';
import type { ActionContext, ActionInput, ActionSpec } from '../types.js';
import { runOverSsh, type SshTarget } from './ssh.js';

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_TTL_MS = 24 * 3_600_000;
/** nft's own limit on element timeouts is far higher; a year keeps a typo from blocking for ever. */
const MAX_TTL_MS = 366 * 24 * 3_600_000;
const FAMILIES = ['ip', 'ip6', 'inet', 'bridge', 'netdev'];
/** nft identifiers as we accept them: nothing a shell or nft's parser would read as syntax. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[?[0-9A-Fa-f:.]+\]?)$/;
const USER = /^[a-z_][a-z0-9_.-]{0,31}$/;
const HOST_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/;

const SSH_INPUTS: Record<string, ActionInput> = {
  host: { type: 'string', required: true, description: 'the firewall host (name or address) sshd listens on' },
  host_key: {
    type: 'string',
    required: true,
    description: 'its sshd host key, `ssh-ed25519 AAAA…` (lines of a .pub or known_hosts); no other key is accepted',
  },
  private_key: { type: 'string', required: true, secret: true, description: 'the OpenSSH private key to log in with' },
  address: {
    type: 'string',
    required: true,
    description: 'an IPv4 or IPv6 address, optionally /prefix (the set needs `flags interval` for networks)',
  },
  port: { type: 'integer', required: false, default: 22 },
  user: { type: 'string', required: false, default: 'root' },
  sudo: {
    type: 'boolean',
    required: false,
    default: false,
    description: 'run nft through `sudo -n` (a non-root user with a sudoers rule for nft)',
  },
  family: { type: 'string', required: false, default: 'inet', description: FAMILIES.join(' | ') },
  table: { type: 'string', required: false, default: 'vigil' },
  set: { type: 'string', required: false, default: 'blocklist', description: 'the set (`flags timeout`) that a drop rule matches' },
  set_v6: { type: 'string', required: false, description: 'the set for IPv6 addresses, when the family keeps them apart (default: set)' },
  timeout: { type: 'string', required: false, description: 'the whole SSH exchange, default 20s' },
};

interface NftCall {
  ssh: SshTarget;
  address: IpTarget;
  /** `inet vigil blocklist`: validated names only. */
  setRef: string;
  prefix: string;
  timeoutMs: number;
}

function checkArgs(action: string, args: Readonly<Record<string, unknown>>): NftCall {
  const check = argChecker(action);
  for (const k of Object.keys(args)) if (!Object.hasOwn(SSH_INPUTS, k) && k !== 'ttl') check.reject(`no input "${k}"`);
  // The address is checked before anything else is done: nothing leaves Vigil for a bad one.
  const address = parseIpTarget(args.address);
  if (!address)
    return check.reject(
      `address must be an IPv4 or IPv6 address with an optional /prefix (got ${JSON.stringify(String(args.address).slice(0, 80))})`,
    );
  const name = (k: string, fallback: string): string => {
    const v = args[k] ?? fallback;
    return typeof v === 'string' && NAME.test(v) ? v : check.reject(`${k} must be an nft name (letters, digits, _)`);
  };
  const family = String(args.family ?? 'inet');
  if (!FAMILIES.includes(family)) check.reject(`family must be one of ${FAMILIES.join(', ')}`);
  const set = name('set', 'blocklist');
  const setV6 = args.set_v6 === undefined ? set : name('set_v6', set);
  const host = check.string(args, 'host');
  if (!HOST.test(host)) check.reject('host must be a host name or an IP address');
  const user = String(args.user ?? 'root');
  if (!USER.test(user)) check.reject('user must be a login name');
  const port = args.port ?? 22;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) check.reject('port must be 1–65535');
  const hostKeys = check
    .string(args, 'host_key')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    // A known_hosts line carries the host names first; a .pub line its comment last.
    .map((l) => HOST_KEY.exec(l.replace(/^\S+\s+(?=(ssh-|ecdsa-|sk-))/, '')))
    .map((m) => (m ? `${m[1]} ${m[2]}` : check.reject('host_key must be `<type> <base64>` lines (ssh-ed25519, ecdsa-sha2-…, ssh-rsa)')));
  if (hostKeys.length === 0) check.reject('host_key must name at least one key');
  const privateKey = check.string(args, 'private_key');
  if (typeof args.sudo !== 'undefined' && typeof args.sudo !== 'boolean') check.reject('sudo must be true or false');
  return {
    ssh: { host: host.replace(/^\[|\]$/g, ''), port: port as number, user, privateKey, hostKeys },
    address,
    setRef: `${family} ${name('table', 'vigil')} ${address.version === 6 ? setV6 : set}`,
    prefix: args.sudo === true ? 'sudo -n nft' : 'nft',
    timeoutMs: check.timeoutMs(args, DEFAULT_TIMEOUT_MS),
  };
}

function ttlSeconds(action: string, value: unknown): number {
  const ms = value === undefined ? DEFAULT_TTL_MS : parseDuration(value);
  if (ms === undefined || ms < 1000 || ms > MAX_TTL_MS) argChecker(action).reject('ttl must be a duration from 1s to 8784h, such as 24h');
  return Math.floor((ms as number) / 1000);
}

/** One limiter per action in this process: a burst of runs does not open a burst of SSH sessions. */
const RATE = { requests: 10, perMs: 1000 };

async function nft(action: string, limiter: RateLimiter, call: NftCall, statement: string, ctx: ActionContext) {
  await limiter.acquire(ctx.signal);
  // Every token was validated above; the single quotes keep the braces from the remote shell.
  return runOverSsh(action, call.ssh, `${call.prefix} '${statement}'`, call.timeoutMs, ctx.signal, ctx.network);
}

function nftFailure(action: string, stderr: string): VigilError {
  const why = stderr.trim().split('\n')[0]?.slice(0, 300) || 'nft failed';
  // A missing table or set, a wrong address family, a set without timeouts: the firewall is not set up for this.
  return new VigilError('ACTION_REJECTED', `${action}: ${why}`);
}

const blockLimiter = new RateLimiter(RATE.requests, RATE.perMs);
/**
 * `nftables.block_address`: adds the address to an nftables set on a Linux host, over SSH, with a
 * timeout after which the kernel drops the element itself. Adding an element that is there
 * already changes nothing (`nft add`, not `create`), so the action is idempotent.
 */
export const nftablesBlockAddress: ActionSpec = {
  description: 'Adds an address to an nftables set over SSH (element timeout = ttl); returns {address, set, ttl_s}',
  args: { required: ['host', 'host_key', 'private_key', 'address'], optional: [...Object.keys(SSH_INPUTS).slice(4), 'ttl'] },
  inputs: { ...SSH_INPUTS, ttl: { type: 'string', required: false, default: '24h', description: 'how long the element stays (1s–8784h)' } },
  idempotent: true,
  rateLimit: RATE,
  run: async (args, ctx) => {
    const action = 'nftables.block_address';
    const call = checkArgs(action, args);
    const ttl = ttlSeconds(action, args.ttl);
    const out = await nft(action, blockLimiter, call, `add element ${call.setRef} { ${call.address.text} timeout ${ttl}s }`, ctx);
    if (out.status !== 0) throw nftFailure(action, out.stderr);
    return { address: call.address.text, set: call.setRef, ttl_s: ttl };
  },
};

const unblockLimiter = new RateLimiter(RATE.requests, RATE.perMs);
/**
 * `nftables.unblock_address`: deletes the address from the set. An address that is not there
 * (never added, or expired) is success with `removed: false`, so the action is idempotent.
 */
export const nftablesUnblockAddress: ActionSpec = {
  description: 'Removes an address from an nftables set over SSH; returns {address, set, removed}',
  args: { required: ['host', 'host_key', 'private_key', 'address'], optional: Object.keys(SSH_INPUTS).slice(4) },
  inputs: SSH_INPUTS,
  idempotent: true,
  rateLimit: RATE,
  run: async (args, ctx) => {
    const action = 'nftables.unblock_address';
    if (args.ttl !== undefined) argChecker(action).reject('no input "ttl"');
    const call = checkArgs(action, args);
    const out = await nft(action, unblockLimiter, call, `delete element ${call.setRef} { ${call.address.text} }`, ctx);
    if (out.status === 0) return { address: call.address.text, set: call.setRef, removed: true };
    // nft reports a missing element as ENOENT (or, in an interval set, "element does not exist");
    // a missing set reads the same as the first, so the set is checked.
    if (/No such file or directory|element does not exist/.test(out.stderr)) {
      const list = await nft(action, unblockLimiter, call, `list set ${call.setRef}`, ctx);
      if (list.status === 0) return { address: call.address.text, set: call.setRef, removed: false };
    }
    throw nftFailure(action, out.stderr);
  },
};
