/**
 * `vigil hunt` over a Windows `.evtx` file as a user runs it: the CLI in a child process, the
 * format known by the file's signature whatever its name, records normalized to ECS like
 * evtx_dump's output, and a damaged chunk reported on stderr with its byte offset while the
 * other chunks are hunted.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(ROOT, 'test/fixtures/evtx/security.evtx');
interface Doc {
  Event: { System: { EventID: number; EventRecordID: number }; EventData: Record<string, unknown> | null };
}
const REFERENCE = gunzipSync(readFileSync(join(ROOT, 'test/fixtures/evtx/security.evtx_dump.jsonl.gz')))
  .toString('utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as Doc);

const dir = mkdtempSync(join(tmpdir(), 'vigil-hunt-evtx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'user-created.yml'),
  `title: Local user created
id: 0b4f5a39-4a8e-4a8e-9d3f-2f4c7a0e1d11
status: test
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4720
  condition: selection
level: medium
`,
);

function hunt(file: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/vigil.js', 'hunt', '--rules', dir, '--output', 'jsonl', file], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Alert {
  vigil: { source: { line: number }; alert: { event: { event: { code: string }; winlog: { event_data: Record<string, string> } } } };
}
const alertsOf = (stdout: string): Alert[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Alert);

const created = REFERENCE.filter((d) => d.Event.System.EventID === 4720);

describe('vigil hunt on .evtx files', () => {
  it('reads the file by its signature and alerts with the EventRecordID as the line', () => {
    const renamed = join(dir, 'Security.log'); // not named .evtx: the ElfFile signature decides
    copyFileSync(SAMPLE, renamed);
    const r = hunt(renamed);
    expect(r.code).toBe(0);
    expect(created.length).toBeGreaterThan(0);
    const alerts = alertsOf(r.stdout);
    expect(alerts.map((a) => a.vigil.source.line)).toEqual(created.map((d) => d.Event.System.EventRecordID));
    for (const [i, a] of alerts.entries()) {
      expect(a.vigil.alert.event.event.code).toBe('4720');
      expect(a.vigil.alert.event.winlog.event_data.TargetUserName).toBe(created[i]?.Event.EventData?.TargetUserName);
    }
    expect(r.stderr).toContain(`1 file, ${REFERENCE.length} events, ${created.length} alerts`);
  });

  it('reports a damaged chunk with its offset, counts it, and hunts the rest', () => {
    const bytes = readFileSync(SAMPLE);
    const chunk = 4096 + 65536; // chunk 1 holds the first user creation (record 51)
    for (let k = 0; k < 8; k++) bytes[chunk + 4000 + k] ^= 0x5a;
    const damaged = join(dir, 'damaged.evtx');
    writeFileSync(damaged, bytes);
    const first = Number(bytes.readBigUInt64LE(chunk + 24));
    const last = Number(bytes.readBigUInt64LE(chunk + 32));
    const r = hunt(damaged);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`damaged.evtx:0: .evtx byte ${chunk} (chunk 1): chunk 1 skipped: record data CRC32`);
    expect(r.stderr).toContain('1 unreadable record');
    const kept = REFERENCE.filter((d) => d.Event.System.EventRecordID < first || d.Event.System.EventRecordID > last);
    expect(r.stderr).toContain(`1 file, ${kept.length} events`);
    expect(alertsOf(r.stdout).map((a) => a.vigil.source.line)).toEqual(
      kept.filter((d) => d.Event.System.EventID === 4720).map((d) => d.Event.System.EventRecordID),
    );
  });
});
