/**
 * `vigil fields` over a fixture: rules reading fields the data holds, one reading a field it
 * never holds (it can never fire here), one whose logsource no event meets, and the frequent
 * fields no rule reads, counted per event; text and JSON output, through the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldCounter } from '../../detections/quality/fields.js';

const vigil = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/vigil.js', 'fields', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
};

const rule = (id: string, title: string, logsource: string, detection: string): string => `title: ${title}
id: ${id}
status: test
logsource:
${logsource}
detection:
${detection}
  condition: selection
level: medium
`;

const SEEN = '11111111-1111-4111-8111-111111111111';
const NEVER = '22222222-2222-4222-8222-222222222222';
const WINDOWS = '33333333-3333-4333-8333-333333333333';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-fields-'));
  mkdirSync(join(dir, 'rules'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'rules/seen.yml'),
    rule(
      SEEN,
      'Reads What Is There',
      '  product: linux\n  category: process_creation',
      '  selection:\n    process.name: curl\n    user.name: root',
    ),
  );
  writeFileSync(
    join(dir, 'rules/never.yml'),
    rule(
      NEVER,
      'Reads What Is Not',
      '  product: linux\n  category: process_creation',
      '  selection:\n    process.parent.executable|endswith: /nginx',
    ),
  );
  writeFileSync(
    join(dir, 'rules/windows.yml'),
    rule(WINDOWS, 'Windows Only', '  product: windows\n  category: process_creation', '  selection:\n    process.name: curl'),
  );
  const event = (i: number) => ({
    '@timestamp': `2026-01-01T00:00:0${i}Z`,
    event: { category: ['process'], type: ['start'] },
    host: { os: { type: 'linux' }, name: 'web-01' },
    process: { name: i === 0 ? 'curl' : 'bash', pid: 100 + i, args: ['-x', '-y'] },
    user: { name: 'root' },
    ...(i < 2 ? { labels: { team: 'red' } } : {}),
  });
  writeFileSync(join(dir, 'data/a.ndjson'), `${[0, 1, 2].map((i) => JSON.stringify(event(i))).join('\n')}\n`);
  writeFileSync(join(dir, 'data/b.json.gz'), gzipSync(JSON.stringify([event(3)])));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil fields', () => {
  it('names the fields rules read that the data never holds, and the rules that can never fire', () => {
    const r = vigil('--data', join(dir, 'data'), '--top', '3', join(dir, 'rules'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 files, 4 events, 3 rules');
    expect(r.stdout).toMatch(new RegExp(`Reads What Is Not \\(${NEVER}\\)  — never fires on this data`));
    expect(r.stdout).toContain('    process.parent.executable → process.parent.executable');
    // host.os.type is there, with another value: the logsource is tested as the engine tests it.
    expect(r.stdout).toMatch(/rules whose logsource no event meets .*\n {2}Windows Only \(3{8}-.*\) {2}\[windows\/process_creation\/\]/);
    expect(r.stdout).not.toContain(SEEN);
    expect(r.stdout).toContain('2 rules can never fire on this data');
  });

  it('lists the most frequent fields no rule reads, with the number of events holding them', () => {
    const r = vigil('--data', join(dir, 'data'), '--top', '100', '--format', 'json', join(dir, 'rules'));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.events).toBe(4);
    expect(report.neverFire.map((x: { id: string; why: string }) => [x.id, x.why]).sort()).toEqual([
      [NEVER, 'fields'],
      [WINDOWS, 'logsource'],
    ]);
    expect(report.missing.map((m: { rule: { id: string }; field: string; from: string }) => [m.rule.id, m.field, m.from])).toEqual([
      [NEVER, 'process.parent.executable', 'detection'],
    ]);
    const unread = Object.fromEntries(report.unread.map((u: { path: string; events: number }) => [u.path, u.events]));
    // Read by the rules or their logsource: not listed.
    for (const read of ['process.name', 'user.name', 'host.os.type', 'event.category', 'event.type'])
      expect(unread).not.toHaveProperty(read);
    expect(unread).toEqual({ '@timestamp': 4, 'host.name': 4, 'process.pid': 4, 'process.args': 4, 'labels.team': 2 });
    expect(report.unread.map((u: { path: string }) => u.path).at(-1)).toBe('labels.team');
  });

  it.each([
    [
      ['--from', '2026-12-02T00:00Z', '--to', '2026-12-01T00:00Z'],
      /--to \(2026-12-01T00:00:00\.000Z\) must be after --from \(2026-12-02T00:00:00\.000Z\)/,
    ],
    [['--from', 'yesterday', '--to', 'now'], /--from 'yesterday' is not a time with a zone, now, or now-<n><s\|m\|h\|d>/],
    [['--from', '2026-12-01T00:00', '--to', 'now'], /--from '2026-12-01T00:00' is not a time with a zone/],
    [['--from', 'now-1h', '--to', 'later'], /--to 'later' is not a time with a zone/],
    [
      ['--data', 'rules/samples', '--from', 'now-1h', '--to', 'now'],
      /--data reads files and --from, --to a time range of a topic: give one or the other/,
    ],
    [['--data', 'rules/samples', '--topic', 'vigil.events'], /--data reads files and --topic a time range of a topic/],
    [['--from', 'now-1h'], /--to is missing: a time range needs --from and --to/],
    [['--topic', 'vigil.events', '--to', 'now'], /--from is missing/],
    [[], /give --data FILE\|DIR, or --from TIME --to TIME/],
  ])('refuses %j with a message naming the flag, before reading anything', (args, message) => {
    const r = vigil(...args, join(dir, 'rules'));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('[CLI_USAGE]');
  });

  it('counts each path once per event, and stops adding paths past its limit', () => {
    const c = new FieldCounter(3);
    c.add({ a: [{ b: 1 }, { b: 2 }], c: 'x' });
    c.add({ a: { b: 3 }, d: 1, e: 2 });
    expect([...c.leaves]).toEqual([
      ['a.b', 2],
      ['c', 1],
      ['d', 1],
    ]);
    expect(c.dropped).toBe(1);
    expect(c.has('a')).toBe(true);
    expect(c.has('e')).toBe(false);
  });
});
