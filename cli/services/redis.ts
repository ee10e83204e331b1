import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { which } from './install.js';
import { servicePaths } from './paths.js';
import type { ServiceContext, ServiceDef } from './service.js';

/**
 * redis-server arguments: loopback only, AOF on for BullMQ durability, no RDB snapshots, in
 * the foreground (we detach it ourselves), logging to stdout, which is our log file.
 */
export function redisArgs(port: number, dataDir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dataDir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    '',
  ];
}

/** Sends PING over a raw socket; true on `+PONG` (not while loading the AOF, which answers `-LOADING`). */
export function redisAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export function redisService(ctx: ServiceContext): ServiceDef {
  const paths = servicePaths(ctx.stateDir, 'redis');
  const dataDir = join(paths.dir, 'data');
  const port = ctx.ports.redis;
  return {
    name: 'redis',
    port,
    binds: [{ port, role: 'Redis' }],
    paths,
    readyTimeoutMs: ctx.readyTimeoutMs,
    stopTimeoutMs: 10_000,
    commands: ['redis-server', 'kcat'],
    // redis-server rewrites its process title to `redis-server 127.0.0.1:<port>` once it runs
    isOurs: (cmdline) => cmdline.includes('redis-server') && (cmdline.includes(`:${port}`) || cmdline.includes(`--port ${port}`)),
    async install() {},
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
      return {
        command: which('redis-server') ?? 'redis-server',
        args: redisArgs(port, dataDir),
        env: process.env,
        cwd: paths.dir,
        logFile: paths.logFile,
      };
    },
    probe: () => redisAnswers(port),
  };
}
