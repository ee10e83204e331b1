import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Publisher } from '../../core/bus/types.js';
import { startResponder, type AuditDocument, type Responder } from '../../playbooks/index.js';
import { SERVICES } from './config.js';
import { listenLocal } from './local-http.js';
import { waitFor } from './wait.js';

/** A call the local HTTP target received. */
export interface HookCall {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  at: number;
}
export interface HookReply {
  status: number;
  body?: unknown;
  delayMs?: number;
}
export type Replier = (call: HookCall, nth: number) => HookReply;

export interface Hook {
  url: string;
  calls: HookCall[];
  /** The most calls in progress at once. */
  maxInFlight: () => number;
  close(): Promise<void>;
}

/** A local HTTP target that records every call and answers with `reply`. */
export async function startHook(reply: Replier = () => ({ status: 200 })): Promise<Hook> {
  const calls: HookCall[] = [];
  let inFlight = 0;
  let most = 0;
  const http = await listenLocal((req, res, raw) => {
    inFlight++;
    most = Math.max(most, inFlight);
    const text = raw.toString('utf8');
    const call = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      at: Date.now(),
    };
    calls.push(call);
    const r = reply(call, calls.length);
    setTimeout(() => {
      inFlight--;
      if (res.destroyed) return;
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.body ?? { path: call.path }));
    }, r.delayMs ?? 0);
  });
  return { url: http.base, calls, maxInFlight: () => most, close: () => http.close() };
}

export function incident(id: string, overrides: Record<string, unknown> = {}): { incident: Record<string, unknown> } {
  return {
    incident: {
      id,
      title: 'Sudo to root on web-01',
      severity: 'high',
      status: 'open',
      version: 1,
      rule: { id: 'r-1', name: 'Sudo to root', level: 'high', tags: ['attack.privilege_escalation'] },
      source: { ip: '203.0.113.45' },
      host: { name: 'web-01' },
      user: { name: 'deploy' },
      entities: { hosts: ['web-01'], users: ['deploy'], ips: ['203.0.113.45', '198.51.100.7', '192.0.2.9'] },
      '@timestamp': '2026-01-02T03:04:05Z',
      ...overrides,
    },
  };
}

export const HIGH = 'trigger: { selection: { incident.severity: [high, critical] }, condition: selection }';

export interface Harness {
  responder: Responder;
  audit: AuditDocument[];
  prefix: string;
  hook: Hook;
  /** Where the playbook files were written. */
  dir: string;
  close(): Promise<void>;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(SERVICES.redis, { maxRetriesPerRequest: 3 });
  const found: string[] = [];
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) found.push(...(batch as string[]));
  if (found.length) await redis.del(...found);
  await redis.quit();
}

/** Writes playbook files into a new temporary folder. */
export async function playbookDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pb-it-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** A responder on real Redis with its own queue prefix, an in-memory audit trail and a local HTTP target. */
export async function harness(opts: {
  playbooks: Record<string, string>;
  reply?: Replier;
  sweepMs?: number;
  prefix?: string;
  secrets?: (hook: Hook) => Record<string, string>;
  /** `playbooks.rateLimits`. */
  rateLimits?: Record<string, { perSecond?: number; perMinute?: number }>;
  /** Another harness's HTTP target, shared (not closed by this one). */
  hook?: Hook;
  /** `playbooks.network.allow`. Default ['127.0.0.1'], where the local targets listen. */
  allow?: string[];
}): Promise<Harness> {
  const hook = opts.hook ?? (await startHook(opts.reply));
  const prefix = opts.prefix ?? `t-pb-${randomBytes(4).toString('hex')}`;
  const dir = await playbookDir(opts.playbooks);
  const audit: AuditDocument[] = [];
  const publisher: Publisher = {
    send: async (_topic, records) => {
      for (const r of records) audit.push(JSON.parse(String(r.value)) as AuditDocument);
    },
  };
  const responder = await startResponder({
    config: {
      redis: { url: SERVICES.redis, prefix },
      playbooks: {
        paths: [dir],
        concurrency: 8,
        secrets: opts.secrets?.(hook) ?? { HOOK: hook.url },
        ...(opts.rateLimits ? { rateLimits: opts.rateLimits } : {}),
        network: { allow: opts.allow ?? ['127.0.0.1'] },
      },
    },
    publisher,
    actionsTopic: 'vigil.actions',
    sweepMs: opts.sweepMs ?? 100,
  });
  if (responder.problems.length > 0) {
    await responder.close();
    throw new Error(responder.problems.map((p) => p.describe()).join('\n'));
  }
  return {
    responder,
    audit,
    prefix,
    hook,
    dir,
    close: async () => {
      await responder.close();
      if (!opts.hook) await hook.close();
      await dropPrefix(prefix);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The audit records of one kind (one per document id), of one run when given. */
export const find = (audit: AuditDocument[], action: string, opts: { step?: string; run?: string } = {}) => [
  ...new Map(
    audit
      .filter((d) => d.event.action === action)
      .filter((d) => opts.step === undefined || d.vigil.playbook.step === opts.step)
      .filter((d) => opts.run === undefined || d.vigil.playbook.run_id === opts.run)
      .map((d) => [d.vigil.id, d]),
  ).values(),
];

export const runEnded = (h: Pick<Harness, 'audit'>, runId: string, timeoutMs = 20_000) =>
  waitFor(`run ${runId} to end`, async () => find(h.audit, 'playbook.run.ended', { run: runId })[0], timeoutMs, 25);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
