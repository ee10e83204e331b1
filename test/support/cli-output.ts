import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one run of `vigil` wrote, and how it ended. */
export interface CliRun {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** `vigil <args>` with stdout written straight to a file: the reference output. */
export function vigilToFile(args: string[], dir: string, name: string): CliRun {
  const file = join(dir, `${name}.stdout`);
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, ['bin/vigil.js', ...args], { stdio: ['ignore', fd, 'pipe'], maxBuffer: 64 << 20 });
    return { stdout: readFileSync(file, 'utf8'), stderr: r.stderr.toString('utf8'), code: r.status };
  } finally {
    closeSync(fd);
  }
}

/**
 * `vigil <args>` with stdout on a pipe whose reader is slow: it stops reading for `pauseMs`
 * after every `every` chunks, so the kernel's pipe fills and the command's own buffer holds
 * what is still to be written when the command finishes.
 */
export function vigilToSlowPipe(args: string[], { every = 8, pauseMs = 15 } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, ['bin/vigil.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let chunks = 0;
  child.stdout.on('data', (b: Buffer) => {
    out.push(b);
    if (++chunks % every === 0) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), pauseMs);
    }
  });
  child.stderr.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code }),
    );
  });
}

/** `vigil <args> | head -n <lines>` through a real shell pipeline: what head printed, and vigil's own stderr and exit code. */
export function vigilIntoHead(args: string[], lines: number, dir: string): CliRun {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const errFile = join(dir, 'head.stderr');
  const r = spawnSync(
    'bash',
    ['-c', `'${process.execPath}' bin/vigil.js ${quoted} 2>'${errFile}' | head -n ${lines}; exit "\${PIPESTATUS[0]}"`],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  return { stdout: r.stdout, stderr: readFileSync(errFile, 'utf8'), code: r.status };
}
