import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import { detectBatch } from './detect.js';
import { LiveRules, mergeReload } from './reload.js';
import { loadRuleSet } from '../pipelines/rules.js';

const rule = (id: string, title: string, word: string): string => `title: ${title}
id: ${id}
status: test
logsource: { product: linux, service: sudo }
detection:
  selection:
    process.name: sudo
    process.command_line|contains: '${word}'
  condition: selection
level: high
`;

const event = (cmd: string): InRecord => ({
  topic: 'vigil.events',
  partition: 0,
  offset: '0',
  key: 'h',
  value: Buffer.from(
    JSON.stringify({ '@timestamp': '2026-11-22T10:00:00.000Z', process: { name: 'sudo', command_line: cmd }, host: { name: 'h' } }),
  ),
  headers: {},
  timestamp: 0,
});

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-reload-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fired = (live: LiveRules, cmd: string): string[] =>
  detectBatch(live.current, [event(cmd)], new Set()).alerts.map((a) => JSON.parse(String(a.value)).rule.id as string);

describe('rule reload', () => {
  it('takes new and changed rules and drops deleted ones', () => {
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha'));
    const live = new LiveRules([dir]);
    expect(fired(live, 'run alpha')).toEqual([A]);
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'gamma'));
    writeFileSync(join(dir, 'b.yml'), rule(B, 'B', 'beta'));
    live.reload();
    expect(fired(live, 'run alpha')).toEqual([]);
    expect(fired(live, 'run gamma beta')).toEqual([A, B]);
    rmSync(join(dir, 'b.yml'));
    live.reload();
    expect(fired(live, 'run gamma beta')).toEqual([A]);
  });

  it('keeps the last good version of a rule whose file no longer loads, and reports the error', () => {
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha'));
    writeFileSync(join(dir, 'b.yml'), rule(B, 'B', 'beta'));
    const reports: { errors: number; kept: readonly string[] }[] = [];
    const live = new LiveRules([dir], { onLoad: (r) => reports.push({ errors: r.errors.length, kept: r.kept }) });
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha').replace('condition: selection', 'condition: selection and nothing'));
    writeFileSync(join(dir, 'b.yml'), rule(B, 'B', 'delta'));
    live.reload();
    expect(fired(live, 'alpha delta')).toEqual([A, B]);
    expect(reports.at(-1)).toEqual({ errors: 1, kept: [A] });
  });

  it('keeps every rule when the paths cannot be read at all', () => {
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha'));
    const before = loadRuleSet([dir]);
    const after = loadRuleSet([join(dir, 'missing')]);
    const { loaded, kept } = mergeReload(before, after);
    expect(loaded.rules.map((r) => r.compiled.rule.id)).toEqual([A]);
    expect(kept).toHaveLength(1);
  });

  it('swaps between batches: a batch runs on the set it started with', () => {
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha'));
    const live = new LiveRules([dir]);
    const batchSet = live.current;
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'omega'));
    live.reload();
    expect(detectBatch(batchSet, [event('alpha')], new Set()).alerts).toHaveLength(1);
    expect(detectBatch(live.current, [event('alpha')], new Set()).alerts).toHaveLength(0);
    expect(live.generation).toBe(1);
  });

  it('reloads by itself when a file changes (fs.watch, debounced)', async () => {
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha'));
    let loads = 0;
    const live = new LiveRules([dir], { debounceMs: 50, onLoad: () => loads++ });
    live.watch();
    try {
      await new Promise((r) => setTimeout(r, 50));
      writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'omega'));
      writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'sigma'));
      const deadline = Date.now() + 5000;
      while (live.generation === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(live.generation).toBeGreaterThanOrEqual(1);
      expect(fired(live, 'sigma')).toEqual([A]);
      expect(loads).toBeLessThanOrEqual(3); // debounced: not one load per write event
    } finally {
      live.close();
    }
  });

  it('ignores files in a rules folder that are not rule files (logs, swap files)', async () => {
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha'));
    const live = new LiveRules([dir], { debounceMs: 20 });
    live.watch();
    try {
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'vigil.log'), `line ${i}\n`, { flag: 'a' });
      writeFileSync(join(dir, '.a.yml.swp'), 'x');
      await new Promise((r) => setTimeout(r, 300));
      expect(live.generation).toBe(0);
      writeFileSync(join(dir, 'b.yml'), rule(B, 'B', 'beta'));
      const deadline = Date.now() + 5000;
      while (live.generation === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(fired(live, 'beta')).toEqual([B]);
    } finally {
      live.close();
    }
  });
});

const correlation = (
  threshold: number,
  timespan = '1m',
): string => `${rule(A, 'A', 'alpha').replace('status: test', 'name: base_a\nstatus: test')}---
title: Many A
id: 33333333-3333-4333-8333-333333333333
name: many_a
status: test
correlation:
  type: event_count
  rules: [base_a]
  group-by: [host.name]
  timespan: ${timespan}
  condition: { gte: ${threshold} }
level: high
`;

describe('what the live rules take from config', () => {
  it('leaves out deprecated and unsupported rules when told to, and says how many', () => {
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A', 'alpha').replace('status: test', 'status: deprecated'));
    writeFileSync(join(dir, 'b.yml'), rule(B, 'B', 'alpha').replace('status: test', 'status: unsupported'));
    writeFileSync(join(dir, 'c.yml'), rule('44444444-4444-4444-8444-444444444444', 'C', 'alpha'));
    let skipped: number | undefined;
    const live = new LiveRules([dir], { skipStatuses: ['deprecated', 'unsupported'], onLoad: (r) => (skipped = r.skipped) });
    expect(fired(live, 'alpha')).toEqual(['44444444-4444-4444-8444-444444444444']);
    expect(skipped).toBe(2);
    expect(fired(new LiveRules([dir]), 'alpha')).toEqual([A, B, '44444444-4444-4444-8444-444444444444']);
  });

  it('reads placeholder values again on every reload', () => {
    writeFileSync(
      join(dir, 'a.yml'),
      rule(A, 'A', 'x').replace("process.command_line|contains: 'x'", "process.command_line|expand: '%cmd%'"),
    );
    let values = ['alpha'];
    const live = new LiveRules([dir], { placeholders: () => ({ cmd: values }) });
    expect(fired(live, 'alpha')).toEqual([A]);
    values = ['beta'];
    live.reload();
    expect(fired(live, 'alpha')).toEqual([]);
    expect(fired(live, 'beta')).toEqual([A]);
  });

  it('reloads correlations, and keeps the last good one when its file breaks', () => {
    writeFileSync(join(dir, 'c.yml'), correlation(3));
    const reports: { errors: number; kept: readonly string[] }[] = [];
    const live = new LiveRules([dir], { correlations: true, onLoad: (r) => reports.push({ errors: r.errors.length, kept: r.kept }) });
    const threshold = (): unknown => live.correlations.correlations.map((c) => c.rule.condition.bounds.map((b) => b.value));
    expect(threshold()).toEqual([[3]]);
    writeFileSync(join(dir, 'c.yml'), correlation(5));
    live.reload();
    expect(threshold()).toEqual([[5]]);
    writeFileSync(join(dir, 'c.yml'), correlation(7, 'soon'));
    live.reload();
    expect(threshold()).toEqual([[5]]);
    expect(live.correlations.rules.map((r) => r.rule.id)).toContain(A);
    expect(reports.at(-1)).toEqual({ errors: 1, kept: ['33333333-3333-4333-8333-333333333333'] });
  });
});
