/**
 * Runs every correlation sidecar (`<file>.tests.yml`) under rules/correlation: its events go
 * through all the bundled correlations offline, and the alerts of the correlations defined in
 * the file beside it must be exactly those it expects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EcsEvent } from '../../core/event/index.js';
import { loadCorrelations } from './load.js';
import { runCorrelationsOffline } from './offline.js';
import { parseTimespan } from './timespan.js';

const RULES = fileURLToPath(new URL('../../rules/correlation/', import.meta.url));
const files = readdirSync(RULES).filter((f) => /\.ya?ml$/.test(f) && !/\.tests\.ya?ml$/.test(f));

interface Sidecar {
  events: Array<Record<string, unknown> | { repeat: number; every: string; event: Record<string, unknown> }>;
  expect: Array<{ correlation: string; group?: Record<string, string>; count?: number; values?: string[] }>;
}

function expand(name: string, sidecar: Sidecar): EcsEvent[] {
  const out: EcsEvent[] = [];
  const add = (e: Record<string, unknown>): void => {
    out.push({
      ...e,
      vigil: { id: `${name}-${out.length}`, input: 'test', received_at: String(e['@timestamp']), parse_status: 'ok' },
    } as EcsEvent);
  };
  for (const item of sidecar.events) {
    if (!('repeat' in item)) {
      add(item);
      continue;
    }
    const { repeat, every, event } = item as { repeat: number; every: string; event: Record<string, unknown> };
    const step = parseTimespan(every) as number;
    const t0 = Date.parse(String(event['@timestamp']));
    for (let k = 0; k < repeat; k++) add({ ...event, '@timestamp': new Date(t0 + k * step).toISOString() });
  }
  return out;
}

describe('rules/correlation', () => {
  const set = loadCorrelations([RULES]);

  it('loads every correlation without a problem', () => {
    expect(set.errors.map((e) => e.describe())).toEqual([]);
    expect(set.correlations.length).toBeGreaterThanOrEqual(files.length);
  });

  it.each(files)('%s: its sidecar events raise exactly the expected alerts', (file) => {
    const sidecar = parse(readFileSync(join(RULES, file.replace(/\.ya?ml$/, '.tests.yml')), 'utf8')) as Sidecar;
    const own = set.correlations.filter((c) => c.rule.location.file === join(RULES, file));
    expect(own.length).toBeGreaterThan(0);
    const result = runCorrelationsOffline(set, expand(file, sidecar));
    expect(result.late).toEqual([]);
    const alerts = result.alerts.filter((a) => own.some((c) => c.id === a.correlationId));
    expect(alerts).toHaveLength(sidecar.expect.length);
    for (const want of sidecar.expect) {
      const corr = own.find((c) => c.rule.name === want.correlation || c.id === want.correlation || c.rule.title === want.correlation);
      expect(corr, want.correlation).toBeDefined();
      const found = alerts.find((a) => a.correlationId === corr?.id);
      expect(found?.emit).toBe(true);
      const c = (found?.alert.vigil as unknown as { correlation: Record<string, unknown> }).correlation;
      expect(c).toMatchObject({
        ...(want.group && { group: want.group }),
        ...(want.count !== undefined && { count: want.count }),
        ...(want.values && { values: want.values }),
      });
      expect(found?.alert.rule?.name).toBe(corr?.rule.title);
    }
  });
});
