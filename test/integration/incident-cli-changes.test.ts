/**
 * `vigil incident assign|note|severity|merge` on REAL Kafka: each writes one change record to
 * `vigil.incident-status`, the record the incident builder applies (as for ack/close/reopen).
 * Every change also writes its audit record to `vigil.actions` (who, from the CLI), which the
 * compacted status topic cannot keep.
 */
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as incidentCommand } from '../../cli/commands/incident.js';
import { Bus, topicsFor } from '../../core/bus/index.js';
import { isVigilError } from '../../core/errors/index.js';
import { decodeIncidentChange, incidentStatusTopic, type ChangeAuditDocument } from '../../detections/incidents/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { writeCliConfig } from '../support/cli-config.js';
import { testConfig } from '../support/config.js';

const exec = promisify(execFile);

describe('vigil incident assign|note|severity|merge (Kafka)', () => {
  const config = testConfig('inccli');
  const bus = new Bus(config.kafka, 'incident-cli-test');
  const statusTopic = incidentStatusTopic(config.kafka.topicPrefix);
  const actionsTopic = topicsFor(config.kafka.topicPrefix).actions;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-incident-cli-'));
  const configFile = join(dir, 'vigil.yaml');
  const io = (lines: string[]) => ({ out: (l: string) => lines.push(l), user: () => 'alice', now: () => new Date('2025-03-01T10:05:00Z') });

  beforeAll(() => {
    writeCliConfig(configFile, config);
  });

  afterAll(async () => {
    await bus.deleteTopics([statusTopic, actionsTopic]).catch(() => undefined);
    await bus.close();
    await cleanupTest(config);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['assign', 'inc-1'], 'no assignee'],
    [['assign', 'inc-1', 'bob', 'carol'], 'unexpected argument "carol"'],
    [['note', 'inc-1'], 'no note text'],
    [['severity', 'inc-1', 'urgent'], 'unknown severity "urgent"'],
    [['merge', 'inc-1'], 'merge needs --into'],
    [['rename', 'inc-1'], 'unknown action "rename"'],
  ])('refuses %j without touching Kafka: %s', async (argv, why) => {
    await expect(incidentCommand([...argv, '--config', configFile], io([]))).rejects.toSatisfy(
      (e: unknown) => isVigilError(e, 'CLI_USAGE') && (e as Error).message.includes(why),
    );
  });

  it('writes one change record per command, keyed so that compaction keeps what the builder needs', async () => {
    const lines: string[] = [];
    await incidentCommand(['assign', 'inc-1', 'bob', '--config', configFile], io(lines));
    await incidentCommand(['note', 'inc-1', 'checked', 'the', 'firewall', '--config', configFile], io(lines));
    await incidentCommand(['severity', 'inc-1', 'low', '--reason', 'lab', '--config', configFile], io(lines));
    await incidentCommand(['severity', 'inc-1', '--clear', '--config', configFile, '--by', 'carol'], io(lines));
    // As a real process, through bin/vigil.js and the command registry.
    const child = await exec(
      process.execPath,
      ['bin/vigil.js', 'incident', 'merge', 'inc-2', '--into', 'inc-1', '--config', configFile, '--by', 'dave'],
      { timeout: 60_000 },
    );
    expect(child.stdout).toContain('incident inc-2: merged into inc-1 by dave');
    expect(lines).toEqual([
      `incident inc-1: assigned to bob by cli:alice → ${statusTopic}`,
      `incident inc-1: note added by cli:alice → ${statusTopic}`,
      `incident inc-1: severity set to low by cli:alice (lab) → ${statusTopic}`,
      `incident inc-1: severity override cleared by carol → ${statusTopic}`,
    ]);

    const records = await bus.read(statusTopic, { until: (r) => r.length >= 5, timeoutMs: 30_000 });
    const changes = records.map((r) => ({ key: r.key, change: decodeIncidentChange(r) }));
    const of = (kind: string) => changes.filter((c) => c.change.kind === kind);
    expect(of('assign').map((c) => [c.key, c.change])).toEqual([
      ['inc-1|assign', expect.objectContaining({ assignee: 'bob', by: 'cli:alice', source: 'cli', at: '2025-03-01T10:05:00.000Z' })],
    ]);
    expect(of('note').map((c) => [c.key, (c.change as { text: string }).text])).toEqual([
      [`inc-1|note|${of('note')[0]?.change.id}`, 'checked the firewall'],
    ]);
    expect(
      of('severity')
        .map((c) => (c.change as { severity: string | null }).severity)
        .sort(),
    ).toEqual(['low', null].sort());
    expect(of('merge').map((c) => [c.key, c.change])).toEqual([['inc-2|merge', expect.objectContaining({ into: 'inc-1', by: 'dave' })]]);
  }, 90_000);

  it('vigil incident ack (a real process) writes one audit record to vigil.actions, after the status change', async () => {
    const before = Date.now();
    const child = await exec(
      process.execPath,
      ['bin/vigil.js', 'incident', 'ack', 'inc-ack-1', '--reason', 'on it', '--config', configFile],
      {
        timeout: 60_000,
      },
    );
    const after = Date.now();
    const user = userInfo().username;
    expect(child.stdout).toContain(`incident inc-ack-1: acknowledged by cli:${user} (on it)`);

    const audits = (await bus.read(actionsTopic, { idleMs: 1500, timeoutMs: 30_000 }))
      .map((r) => ({ key: r.key, doc: JSON.parse(r.value.toString('utf8')) as ChangeAuditDocument }))
      .filter((a) => a.doc.vigil.incident?.id === 'inc-ack-1');
    expect(audits).toHaveLength(1);
    const { key, doc } = audits[0]!;
    expect(key).toBe('inc-ack-1');
    // The record the API writes for an ack (the one `vigil incidents backfill` and MTTA read), by the OS user, from the CLI.
    expect(doc).toMatchObject({
      event: { kind: 'event', action: 'api.incident.status', outcome: 'success', dataset: 'vigil.actions' },
      user: { name: `cli:${user}`, roles: ['cli'] },
      vigil: {
        incident: { id: 'inc-ack-1' },
        api: { caller: `cli:${user}`, role: 'cli', details: { to: 'acknowledged', reason: 'on it' } },
      },
    });
    const at = Date.parse(doc['@timestamp']);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(after);

    // The same time as the status change it records.
    const status = (await bus.read(statusTopic, { idleMs: 1500, timeoutMs: 30_000 })).map((r) => decodeIncidentChange(r));
    const ack = status.filter((c) => c.incident_id === 'inc-ack-1');
    expect(ack.map((c) => [c.at, c.by])).toEqual([[doc['@timestamp'], `cli:${user}`]]);
  }, 90_000);
});
