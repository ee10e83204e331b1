/**
 * Playbook worker processes on real Redis (the program is workers/playbook-worker.ts), for tests
 * that need a process of its own: to SIGKILL it in the middle of a step, or to search every line
 * it logged. A scene is one Redis prefix, one playbooks folder and one audit file; every worker
 * started in it shares them, as the workers of one respond stage share a queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditDocument } from '../../playbooks/index.js';
import { exitOf } from './child.js';
import { SERVICES } from './config.js';
import { dropPrefix } from './playbooks.js';
import { waitFor } from './wait.js';

const PROGRAM = fileURLToPath(new URL('./workers/playbook-worker.ts', import.meta.url));
/** How long `stop()` waits for a clean exit before it kills. */
const STOP_GRACE_MS = 10_000;

export interface WorkerOptions {
  /** The secrets the playbooks name. */
  secrets: Record<string, string>;
  /** The incident record (or records) the worker dispatches when it starts. */
  incident: unknown;
  /** BullMQ's job lock: how soon another worker takes over the jobs of one that died. Default 5000. */
  lockMs?: number;
  /** Steps run at once. Default: the worker program's (4). */
  concurrency?: number;
  /** VIGIL_LOG_LEVEL. Default 'debug', so that a test can search every line. */
  logLevel?: string;
  /** Where the worker's stderr goes: into `logs()` (default), or straight to this process's stderr. */
  stderr?: 'collect' | 'inherit';
}

export interface PlaybookWorker {
  readonly process: ChildProcess;
  /** All the worker wrote so far, stdout and stderr as they came. */
  logs(): string;
  /** Its stderr alone (empty when inherited). */
  errors(): string;
  /** Settles once the worker dispatched its incidents; rejects when it exits before. */
  readonly ready: Promise<void>;
  /** SIGTERM: the responder closes and the process exits; resolves once all its output is read. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash; resolves with its exit code (null: ended by the signal). */
  kill(): Promise<number | null>;
}

export interface WorkerScene {
  /** The Redis key prefix of the queue, runs and locks. */
  prefix: string;
  /** The playbooks folder. */
  dir: string;
  /** Where the workers append their audit records, one JSON document a line. */
  auditFile: string;
  /** The audit records written so far. */
  audit(): AuditDocument[];
  /** The audit file as written (empty before the first record). */
  auditText(): string;
  /** Waits for the first `playbook.run.ended` record. */
  runEnded(timeoutMs?: number, everyMs?: number): Promise<AuditDocument>;
  /** Starts a worker process. */
  start(opts: WorkerOptions): PlaybookWorker;
  /** Stops the workers still running, then deletes the prefix's keys and the folder. */
  close(): Promise<void>;
}

/** A new prefix (`<tag>-<random>`), a folder with `playbooks` written in it, and an audit file. */
export async function workerScene(tag: string, playbooks: Record<string, string>): Promise<WorkerScene> {
  const prefix = `${tag}-${randomBytes(4).toString('hex')}`;
  const work = await mkdtemp(join(tmpdir(), `vigil-${tag}-`));
  const dir = join(work, 'playbooks');
  await mkdir(dir);
  for (const [name, text] of Object.entries(playbooks)) await writeFile(join(dir, name), text);
  const auditFile = join(work, 'audit.jsonl');
  const workers: PlaybookWorker[] = [];
  const auditText = () => (existsSync(auditFile) ? readFileSync(auditFile, 'utf8') : '');
  const audit = () =>
    auditText()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditDocument);
  return {
    prefix,
    dir,
    auditFile,
    audit,
    auditText,
    runEnded: (timeoutMs = 60_000, everyMs = 50) =>
      waitFor('the run to end', async () => audit().find((d) => d.event.action === 'playbook.run.ended'), timeoutMs, everyMs),
    start: (opts) => {
      const worker = startWorker({ prefix, dir, auditFile }, opts);
      workers.push(worker);
      return worker;
    },
    close: async () => {
      for (const w of workers) {
        await w.stop();
        // A worker that crashed shows why, so that a test failing on its account says so.
        if (w.errors().includes('Error')) console.error(w.errors());
      }
      await dropPrefix(prefix);
      await rm(work, { recursive: true, force: true });
    },
  };
}

function startWorker(where: { prefix: string; dir: string; auditFile: string }, opts: WorkerOptions): PlaybookWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', PROGRAM], {
    env: {
      ...process.env,
      VIGIL_TEST_REDIS: SERVICES.redis,
      VIGIL_TEST_PREFIX: where.prefix,
      VIGIL_TEST_PLAYBOOKS: where.dir,
      VIGIL_TEST_SECRETS: JSON.stringify(opts.secrets),
      VIGIL_TEST_AUDIT: where.auditFile,
      VIGIL_TEST_INCIDENT: JSON.stringify(opts.incident),
      VIGIL_TEST_LOCK_MS: String(opts.lockMs ?? 5000),
      ...(opts.concurrency !== undefined ? { VIGIL_TEST_CONCURRENCY: String(opts.concurrency) } : {}),
      VIGIL_LOG_LEVEL: opts.logLevel ?? 'debug',
    },
    stdio: ['ignore', 'pipe', opts.stderr === 'inherit' ? 'inherit' : 'pipe'],
  });
  let logs = '';
  let errors = '';
  let stdoutTail = '\n';
  let seenReady = false;
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      // "ready" is a line of its own; the tail of what came before covers a line split across chunks.
      if (!seenReady && /\nready\n/.test(stdoutTail + text)) {
        seenReady = true;
        resolve();
      }
      stdoutTail = (stdoutTail + text).slice(-6);
      logs += text;
    });
    child.once('exit', (code, signal) => {
      if (!seenReady) reject(new Error(`the playbook worker exited (${signal ?? code}) before it was ready:\n${logs.slice(-2000)}`));
    });
  });
  // A test that never waits for `ready` must not fail on its rejection.
  ready.catch(() => undefined);
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    logs += text;
    errors += text;
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    logs: () => logs,
    errors: () => errors,
    ready,
    stop: async () => {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exitOf(child);
        clearTimeout(timer);
      }
      await closed;
    },
    kill: async () => {
      if (!running()) return child.exitCode;
      const gone = exitOf(child);
      child.kill('SIGKILL');
      return gone;
    },
  };
}
