/**
 * The real `vigil` command, run as a child process the way a user runs it: what it prints into a
 * pipe whose reader is slow is exactly what it prints into a file, whatever the size, and a
 * reader that stops early (`| head`) ends it quietly and successfully.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Bus } from '../../core/bus/index.js';
import { normalizeSyslog, parseSyslog } from '../../ingest/index.js';
import { cleanupTest } from '../support/cleanup.js';
import { vigilIntoHead, vigilToFile, vigilToSlowPipe } from '../support/cli-output.js';
import { testConfig } from '../support/config.js';

const MB = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The two fields that carry the wall clock of the run; everything else is a function of the input. */
const withoutClock = (s: string): string => s.replace(/"(created|received_at)":"[^"]*"/g, '"$1":"-"');

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Many RFC 5424 lines, each its own event. */
const syslogFile = () =>
  write(
    'auth.log',
    Array.from(
      { length: 40_000 },
      (_, i) =>
        `<38>1 2026-11-20T10:00:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z web-${i % 7} sshd 4242 - - Failed password for root from 198.51.100.${i % 250} port ${10_000 + i} ssh2`,
    ).join('\n') + '\n',
  );

/** Windows process creations that the hunt fixture rule fires on, each at its own second. */
const whoamiFile = () =>
  write(
    'whoami.jsonl',
    Array.from({ length: 8_000 }, (_, i) =>
      JSON.stringify({
        '@timestamp': new Date(Date.UTC(2026, 10, 22, 10) + i * 1000).toISOString(),
        event: { code: '1', provider: 'Microsoft-Windows-Sysmon' },
        winlog: {
          channel: 'Microsoft-Windows-Sysmon/Operational',
          provider_name: 'Microsoft-Windows-Sysmon',
          event_data: { User: `CORP\\u${i}` },
        },
        process: { executable: 'C:\\Windows\\System32\\whoami.exe', command_line: `whoami /priv ${i}` },
      }),
    ).join('\n') + '\n',
  );

/** A rule whose sidecar lists many events it must fire on and cannot (no logsource maps to it): one failure line each. */
function failingSidecar(): string {
  const rules = join(dir, 'rules');
  mkdirSync(rules, { recursive: true });
  const title = `Never Fires ${'x'.repeat(180)}`;
  write(
    'rules/never.yml',
    stringify({
      title,
      id: '0b7c2a4e-1f7a-4c55-9a7e-3f1d2e4c5b6a',
      status: 'test',
      logsource: { product: 'nothing-maps-here' },
      detection: { selection: { Image: 'x' }, condition: 'selection' },
      level: 'low',
    }),
  );
  write('rules/never.tests.yml', `match:\n${'  - {}\n'.repeat(36_000)}`);
  return rules;
}

describe('vigil output through a pipe (real CLI, child process)', () => {
  let syslog: string;
  beforeAll(() => {
    syslog = syslogFile();
  });

  it('parse: a slow reader gets every line the file gets (over 10 MB)', async () => {
    const args = ['parse', '--type', 'syslog', syslog];
    const file = vigilToFile(args, dir, 'parse');
    expect(file.code).toBe(0);
    expect(file.stdout.length).toBeGreaterThan(10 * MB);
    expect(file.stdout.split('\n')).toHaveLength(40_001);
    const piped = await vigilToSlowPipe(args);
    expect(piped.code).toBe(0);
    expect(piped.stdout.length).toBe(file.stdout.length);
    expect(withoutClock(piped.stdout)).toBe(withoutClock(file.stdout));
  });

  it('hunt --output jsonl: a slow reader gets every alert the file gets (over 10 MB)', async () => {
    const args = ['hunt', '--rules', 'test/fixtures/hunt/rules', '--output', 'jsonl', whoamiFile()];
    const file = vigilToFile(args, dir, 'hunt');
    expect(file.code).toBe(0);
    expect(file.stdout.length).toBeGreaterThan(10 * MB);
    expect(file.stdout.trimEnd().split('\n')).toHaveLength(8_000);
    expect(file.stderr).toContain('8000 alerts from 1 rule');
    const piped = await vigilToSlowPipe(args);
    expect(piped.code).toBe(0);
    expect(withoutClock(piped.stdout)).toBe(withoutClock(file.stdout));
  });

  it('rules test: a slow reader gets every failure line the file gets (over 10 MB)', async () => {
    const args = ['rules', 'test', failingSidecar()];
    const file = vigilToFile(args, dir, 'rules');
    expect(file.code).toBe(1);
    expect(file.stdout.length).toBeGreaterThan(10 * MB);
    expect(file.stdout).toMatch(/match\[35999\] did not fire/);
    expect(file.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
    const piped = await vigilToSlowPipe(args);
    expect(piped.code).toBe(1);
    expect(piped.stdout).toBe(file.stdout);
  });

  it.each([
    ['parse', () => ['parse', '--type', 'syslog', syslog]],
    ['hunt', () => ['hunt', '--rules', 'test/fixtures/hunt/rules', '--output', 'jsonl', whoamiFile()]],
    ['rules', () => ['rules', 'test', failingSidecar()]],
  ])('%s | head -n 5 ends at once, successfully, with nothing on stderr', (_name, args) => {
    const r = vigilIntoHead(args(), 5, dir);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('vigil replay output through a pipe (Kafka + Elasticsearch)', () => {
  const config = testConfig('cli-output');
  const configFile = join(dir, 'replay.yaml');
  const now = new Date();
  const lines = Array.from(
    { length: 12 },
    (_, i) =>
      `<38>Nov 20 10:00:${String(i * 5).padStart(2, '0')} web-01 sshd[${500 + i}]: Failed password for root from 203.0.113.5 port ${40000 + i} ssh2`,
  );
  const args = () => [
    'replay',
    '--config',
    configFile,
    '--from',
    new Date(now.getTime() - 3_600_000).toISOString(),
    '--to',
    new Date(now.getTime() + 60_000).toISOString(),
    '--rules',
    'rules/sigma',
    '--rules',
    'rules/correlation',
    '--name',
    'piped',
  ];

  beforeAll(async () => {
    writeFileSync(configFile, stringify({ ...config, inputs: [] }));
    const bus = new Bus(config.kafka, 'cli-output-test');
    try {
      await bus.provision();
      const producer = await bus.producer();
      const events = lines.map((line) => {
        const parsed = parseSyslog(line, { now, timezone: 'UTC' });
        if (!parsed.ok) throw new Error(`test line does not parse: ${line}`);
        return normalizeSyslog(parsed.record, {
          inputId: 'cli-output',
          peer: '127.0.0.1',
          raw: Buffer.from(line),
          receivedAt: now,
          keepOriginal: false,
        });
      });
      await producer.send(
        bus.topics.events,
        events.map((e) => ({ key: 'web-01', value: JSON.stringify(e) })),
      );
    } finally {
      await bus.close();
    }
  });
  afterAll(() => cleanupTest(config));

  it('prints the same summary into a slow pipe as into a file, and ends quietly under head', async () => {
    const file = vigilToFile(args(), dir, 'replay');
    expect(file.code).toBe(0);
    expect(file.stdout).toMatch(/^replayed 12 events of /);
    expect(file.stdout).toContain('SSH Brute Force');
    const piped = await vigilToSlowPipe(args(), { every: 1, pauseMs: 200 });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(file.stdout);
    const head = vigilIntoHead(args(), 1, dir);
    expect(head.stdout).toMatch(/^replayed 12 events of [^\n]*\n$/);
    expect(head.code).toBe(0);
  });
});
