/**
 * The file input on REAL Kafka: tailing with appends, partial lines, over-long lines, rotation
 * (while running and while stopped), checkpointed restarts; and reading a directory once.
 * Every line must arrive exactly once.
 */
import { appendFile, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InRecord } from '../../core/bus/index.js';
import type { VigilConfig } from '../../cli/config/schema.js';
import { startStages, type RunningStages } from '../../cli/stages.js';
import { withFileDefaults } from '../../ingest/inputs/file/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';
import { waitFor } from '../support/wait.js';

interface Doc {
  message?: string;
  event: { dataset: string; code?: string };
  log?: { file?: { path: string } };
}

let dir: string;
const configs: VigilConfig[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-file-'));
});

afterAll(async () => {
  for (const c of configs) await cleanupTest(c);
  await rm(dir, { recursive: true, force: true });
});

const docs = (records: InRecord[]) => records.map((r) => JSON.parse(r.value.toString('utf8')) as Doc);
const messages = (records: InRecord[]) => docs(records).map((d) => d.message ?? `${d.event.dataset}:${d.event.code ?? ''}`);

async function count(p: RunningStages, n: number, topic = p.bus.topics.events): Promise<InRecord[]> {
  await waitFor(`${n} records on ${topic}`, async () => (await p.bus.countRecords(topic)) >= n, 30_000);
  await new Promise((r) => setTimeout(r, 600)); // nothing more may come
  expect(await p.bus.countRecords(topic)).toBe(n);
  return p.bus.read(topic, { until: (r) => r.length >= n, timeoutMs: 30_000 });
}

describe('file input, tail mode', () => {
  it('follows appends and rotation, checkpoints, and resumes without loss or repetition', async () => {
    const logs = join(dir, 'tail');
    await rm(logs, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(logs, { recursive: true }));
    const file = join(logs, 'app.log');
    const evtx = JSON.stringify(
      JSON.parse(await readFile(fileURLToPath(new URL('../fixtures/windows/security-4624-network-logon.json', import.meta.url)), 'utf8')),
    );
    await writeFile(
      file,
      [
        '{"@timestamp":"2024-05-01T10:00:00Z","message":"json one","event":{"category":["web","bogus"]}}',
        '<34>1 2024-05-01T10:00:01Z web01 sshd 123 - - Failed password for root from 203.0.113.9 port 22 ssh2',
        evtx,
        'plain text line',
        'x'.repeat(5000),
        '',
      ].join('\n'),
    );
    const config = testConfig('file-tail');
    configs.push(config);
    config.sinks = [];
    config.inputs = [
      withFileDefaults({ id: 'files', paths: [logs], stateFile: join(dir, 'tail-state.json'), pollIntervalMs: 50, maxLineBytes: 4096 }),
    ];

    let p = await startStages(config, ['ingest']);
    try {
      let events = await count(p, 4);
      expect(messages(events).sort()).toEqual([
        'Failed password for root from 203.0.113.9 port 22 ssh2',
        'json one',
        'plain text line',
        'windows.security:4624',
      ]);
      expect(docs(events).every((d) => d.log?.file?.path === file)).toBe(true);
      const letters = await count(p, 1, p.bus.topics.deadletter);
      expect(JSON.parse(letters[0]!.value.toString('utf8'))).toMatchObject({ code: 'FRAME_TOO_LARGE', component: 'files' });

      // A line written in two parts is one event; nothing is published before its LF.
      await appendFile(file, 'half a li');
      await new Promise((r) => setTimeout(r, 300));
      expect(await p.bus.countRecords(p.bus.topics.events)).toBe(4);
      await appendFile(file, 'ne\nsecond line\n');
      await count(p, 6);

      // Rotation: the old file gets one last line (no LF) after the rename, then a new file appears.
      await rename(file, `${file}.1`);
      await appendFile(`${file}.1`, 'last words of the old file');
      await writeFile(file, 'new file line 1\nnew file line 2\n');
      events = await count(p, 9);
      expect(messages(events)).toEqual(
        expect.arrayContaining(['half a line', 'second line', 'last words of the old file', 'new file line 1', 'new file line 2']),
      );
    } finally {
      await p.close();
    }

    // While stopped: the file gets a line, is rotated away, and a new one starts.
    await appendFile(file, 'written while down\n');
    await rename(file, `${file}.2`);
    await writeFile(file, 'after restart\n');
    p = await startStages(config, ['ingest']);
    try {
      const events = await count(p, 11);
      // Topics have several partitions: compare as sets, every line once.
      expect(messages(events).sort()).toEqual(
        [
          'Failed password for root from 203.0.113.9 port 22 ssh2',
          'after restart',
          'half a line',
          'json one',
          'last words of the old file',
          'new file line 1',
          'new file line 2',
          'plain text line',
          'second line',
          'windows.security:4624',
          'written while down',
        ].sort(),
      );
      expect(await readdir(logs)).toEqual(['app.log', 'app.log.1', 'app.log.2']);
    } finally {
      await p.close();
    }
  });
});

describe('file input, read mode', () => {
  it('reads a directory of Windows event JSON once', async () => {
    const winDir = join(dir, 'windows');
    await import('node:fs/promises').then((fs) => fs.mkdir(winDir, { recursive: true }));
    const fixtures = fileURLToPath(new URL('../fixtures/windows/', import.meta.url));
    // One record a file (security-events.json is a table of many, for the normalizer's golden test).
    const records = await Promise.all(
      (await readdir(fixtures))
        .filter((f) => f.endsWith('.json') && !f.endsWith('.golden.json'))
        .map(async (n) => JSON.parse(await readFile(join(fixtures, n), 'utf8')) as unknown),
    );
    const lines = records.filter((r) => !Array.isArray(r)).map((r) => JSON.stringify(r));
    await writeFile(join(winDir, 'a.jsonl'), `${lines.slice(0, 5).join('\n')}\n`);
    await writeFile(join(winDir, 'b.jsonl'), lines.slice(5).join('\n')); // no final LF: read mode takes the last line too
    const config = testConfig('file-read');
    configs.push(config);
    config.sinks = [];
    config.inputs = [
      withFileDefaults({ id: 'windows-files', paths: [winDir], mode: 'read', format: 'windows', stateFile: join(dir, 'read-state.json') }),
    ];
    const p = await startStages(config, ['ingest']);
    try {
      const events = await count(p, lines.length);
      const codes = docs(events)
        .map((d) => d.event.code)
        .sort();
      expect(codes).toEqual(['1', '11', '1102', '22', '3', '4624', '4625', '4672', '4688', '4720', '4732'].sort());
    } finally {
      await p.close();
    }
  });
});
