/**
 * `vigil hunt` streams: a 300 MB (uncompressed) gzipped JSON-lines file is hunted by the real
 * CLI in a child process whose heap is capped at 128 MB, and its peak resident memory stays far
 * below the file's size. Reading a file whole (or its lines into an array) cannot pass this.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const [FIRES, QUIET] = readFileSync(join(ROOT, 'test/fixtures/hunt/logs/winlogbeat.jsonl'), 'utf8').split('\n') as [string, string];
const MB = 1 << 20;

describe('vigil hunt over a file far larger than its heap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hunt-stream-'));
  const file = join(dir, 'events.jsonl.gz');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('completes with --max-old-space-size=128 and a bounded peak RSS', async () => {
    // Every 50 000th event fires the fixture rule; the rest do not.
    const lines = Math.ceil((300 * MB) / (QUIET.length + 1));
    const gz = createGzip({ level: 1 });
    const done = new Promise<void>((resolve, reject) =>
      gz
        .pipe(createWriteStream(file))
        .on('finish', () => resolve())
        .on('error', reject),
    );
    const block = 1000;
    for (let i = 0; i < lines; i += block) {
      const part: string[] = [];
      for (let k = i; k < Math.min(lines, i + block); k++) part.push(k % 50_000 === 0 ? FIRES : QUIET);
      if (!gz.write(`${part.join('\n')}\n`)) await new Promise((r) => gz.once('drain', r));
    }
    gz.end();
    await done;

    const r = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        'peak-rss-kb %M',
        process.execPath,
        '--max-old-space-size=128',
        'bin/vigil.js',
        'hunt',
        '--rules',
        'test/fixtures/hunt/rules',
        '--output',
        'jsonl',
        file,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * MB },
    );
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const alerts = r.stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(alerts).toHaveLength(Math.ceil(lines / 50_000));
    expect(r.stderr).toMatch(new RegExp(`1 file, ${lines} events, ${alerts.length} alerts from 1 rule in`));
    const peakKb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1]);
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb * 1024).toBeLessThan(300 * MB);
  }, 600_000);
});
