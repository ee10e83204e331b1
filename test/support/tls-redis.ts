/**
 * A second redis-server (Debian's, the one `vigil up` runs) that accepts TLS connections only and
 * one ACL user, the `default` user turned off: what a production Redis looks like.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { canConnect, exitOf, freePort } from './child.js';
import { waitFor } from './wait.js';

export interface TlsRedis {
  /** `redis://127.0.0.1:<tls port>` (TLS is turned on by config, not by the scheme). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface TlsRedisOptions {
  dir: string;
  certFile: string;
  keyFile: string;
  caFile: string;
  user: string;
  password: string;
}

export async function startTlsRedis(opts: TlsRedisOptions): Promise<TlsRedis> {
  const port = await freePort();
  const args = [
    '--port', '0',
    '--tls-port', String(port),
    '--bind', '127.0.0.1',
    '--tls-cert-file', opts.certFile,
    '--tls-key-file', opts.keyFile,
    '--tls-ca-cert-file', opts.caFile,
    '--tls-auth-clients', 'no',
    '--user', 'default', 'off',
    '--user', opts.user, 'on', `>${opts.password}`, '~*', '&*', '+@all',
    '--save', '',
    '--appendonly', 'no',
    '--dir', opts.dir,
    '--logfile', `${opts.dir}/redis.log`,
  ]; // prettier-ignore
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  await waitFor(`TLS redis-server on ${port} (log: ${opts.dir}/redis.log)`, async () => {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    return canConnect(port);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exitOf(child);
      }
    },
  };
}
