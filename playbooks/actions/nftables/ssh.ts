import { spawn } from 'node:child_process';
import type { LookupAddress } from 'node:dns';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VigilError } from '../../../core/errors/index.js';
import { checkedAddresses, type NetworkPolicy } from '../net/guard.js';

/** The system OpenSSH client; never a PATH lookup, so the environment cannot swap it. */
export const SSH_BINARY = '/usr/bin/ssh';
/** How much of the remote command's output is kept. */
const MAX_OUTPUT = 16 * 1024;
/** The name the pinned host key is filed under, whatever host or port the target is given as. */
const HOST_ALIAS = 'vigil-pinned-target';
/** ssh's words for a TCP connection that was not made. */
const NOT_CONNECTED = /connect to host \S+ port \d+: (?:Connection refused|Connection timed out|No route to host|Network is unreachable)/;

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** The private key (OpenSSH or PEM text). Written to a 0600 file for the call and deleted after it. */
  privateKey: string;
  /** `<type> <base64>` lines: the only host keys accepted. */
  hostKeys: string[];
}

export interface SshOutcome {
  /** The remote command's exit status. */
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one remote command with `/usr/bin/ssh`: no local shell (the arguments go to the client as
 * a list), no user or system ssh config (`-F /dev/null`), key authentication only (BatchMode), and
 * only the host keys given (StrictHostKeyChecking=yes against a known_hosts of our own, so an
 * unknown or changed key is refused, never learned). `command` reaches the remote shell: the
 * caller builds it from validated tokens only. The host is held to `network` (the step's
 * policy): resolved once, every address checked (ACTION_ADDRESS_REFUSED before anything runs),
 * and ssh connects to a checked address. ssh's own failures (exit 255) are thrown: a refused
 * host key or login is ACTION_REJECTED, an unreachable host ACTION_FAILED; the remote command's
 * status is returned.
 */
export async function runOverSsh(
  action: string,
  target: SshTarget,
  command: string,
  timeoutMs: number,
  signal: AbortSignal,
  network?: NetworkPolicy,
): Promise<SshOutcome> {
  const deadline = Date.now() + timeoutMs;
  // ssh is given a checked address, never the name: it would resolve the name again itself.
  const addresses = await checkedAddresses(target.host, network);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-ssh-'));
  try {
    const keyFile = join(dir, 'id');
    const knownHosts = join(dir, 'known_hosts');
    const key = target.privateKey.endsWith('\n') ? target.privateKey : `${target.privateKey}\n`;
    await writeFile(keyFile, key, { mode: 0o600 });
    await writeFile(knownHosts, target.hostKeys.map((k) => `${HOST_ALIAS} ${k}\n`).join(''), { mode: 0o600 });
    const args = [
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${knownHosts}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', `HostKeyAlias=${HOST_ALIAS}`,
      '-o', 'UpdateHostKeys=no',
      '-o', 'IdentitiesOnly=yes',
      '-o', 'PasswordAuthentication=no',
      '-o', 'KbdInteractiveAuthentication=no',
      '-o', `ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 1000 / addresses.length))}`,
      '-o', 'LogLevel=ERROR',
      '-i', keyFile,
      '-p', String(target.port),
      '-l', target.user,
      '-T',
      '--',
    ]; // prettier-ignore
    for (let i = 0; ; i++) {
      const { address } = addresses[i] as LookupAddress;
      const out = await spawnSsh([...args, address, command], Math.max(1, deadline - Date.now()), signal);
      // A connection that never opened ran nothing: the next address is tried (a dual-stack host whose IPv6 route is down).
      if (out.status === 255 && i + 1 < addresses.length && NOT_CONNECTED.test(out.stderr) && Date.now() < deadline) continue;
      if (out.status === 255) throw sshFailure(action, out.stderr);
      return out;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnSsh(args: string[], timeoutMs: number, signal: AbortSignal): Promise<SshOutcome> {
  return new Promise((resolve, reject) => {
    // An empty environment: no SSH_AUTH_SOCK (an agent's keys), no SSH_ASKPASS.
    const child = spawn(SSH_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString('utf8')).slice(0, MAX_OUTPUT)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(0, MAX_OUTPUT)));
    let why: string | undefined;
    const stop = (reason: string) => {
      why ??= reason;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(`timed out after ${timeoutMs} ms`), timeoutMs);
    const onAbort = () => stop('aborted (step timeout or shutdown)');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    child.once('error', (err) => {
      done();
      reject(new VigilError('ACTION_REJECTED', `cannot run ${SSH_BINARY}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      done();
      if (why) reject(new VigilError('ACTION_FAILED', `ssh ${why}`));
      else resolve({ status: code ?? 255, stdout, stderr });
    });
  });
}

/** ssh's own failure: what a retry cannot fix (a host key or login refused) is ACTION_REJECTED. */
function sshFailure(action: string, stderr: string): VigilError {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('@@@'));
  // ssh's last line says what failed; the banner before it (file paths, fingerprints) is left out.
  const text = (lines.at(-1) ?? 'connection failed').slice(0, 300);
  const permanent =
    /host key verification failed|remote host identification has changed|permission denied|no matching host key|too many authentication failures|invalid format|load key/i.test(
      stderr,
    );
  return new VigilError(permanent ? 'ACTION_REJECTED' : 'ACTION_FAILED', `${action}: ssh: ${text}`);
}
