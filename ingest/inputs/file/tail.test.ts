import { appendFile, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineResults } from './formats.js';
import { StateFile } from '../../checkpoint/state-file.js';
import { openTracked, readLines } from './tail.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-tail-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('readLines', () => {
  it('returns complete lines with offsets, waits for the LF of a partial one, strips CR', async () => {
    const f = join(dir, 'a.log');
    await writeFile(f, 'one\r\ntwo\nthr');
    const t = await openTracked(f, 0);
    let r = await readLines(t, 100, 1 << 20, false);
    expect(r.lines.map((l) => [l.raw.toString(), l.start, l.end])).toEqual([
      ['one', 0, 5],
      ['two', 5, 9],
    ]);
    await appendFile(f, 'ee\n');
    r = await readLines(t, 100, 1 << 20, false);
    expect(r.lines.map((l) => [l.raw.toString(), l.start, l.end])).toEqual([['three', 9, 15]]);
    await t.fd.close();
  });

  it('cuts lines over the limit, whole or still growing, and resumes after their LF', async () => {
    const f = join(dir, 'b.log');
    await writeFile(f, `${'a'.repeat(50)}\nok\n${'b'.repeat(60)}`);
    const t = await openTracked(f, 0);
    let r = await readLines(t, 20, 1 << 20, false);
    expect(r.lines.map((l) => [l.raw.length, l.tooLong])).toEqual([
      [50, 50], // the dead letter keeps up to 1 KiB of it
      [2, undefined],
      [60, 60],
    ]);
    await appendFile(f, 'bbbb\nafter\n');
    r = await readLines(t, 20, 1 << 20, false);
    expect(r.lines.map((l) => l.raw.toString())).toEqual(['after']);
    await t.fd.close();
  });

  it('hands out a last line without LF when final', async () => {
    const f = join(dir, 'c.log');
    await writeFile(f, 'x\ny');
    const t = await openTracked(f, 0);
    expect((await readLines(t, 100, 1 << 20, true)).lines.map((l) => l.raw.toString())).toEqual(['x', 'y']);
    await t.fd.close();
  });
});

describe('line formats', () => {
  const ctx = { inputId: 'f', receivedAt: new Date('2024-01-01T00:00:00Z'), keepOriginal: false };
  const line = (text: string) => ({ text, raw: Buffer.from(text), position: '1:2:0' });
  it('picks the format by the first character in auto mode', () => {
    expect(lineResults(line('<13>Jan  1 00:00:00 h app: hi'), 'auto', ctx, 'UTC')[0]).toMatchObject({ ok: true, event: { message: 'hi' } });
    expect(lineResults(line('{"message":"j"}'), 'auto', ctx, 'UTC')[0]).toMatchObject({ ok: true, event: { message: 'j' } });
    expect(lineResults(line('just text'), 'auto', ctx, 'UTC')[0]).toMatchObject({ ok: true, event: { message: 'just text' } });
  });

  it('gives two identical lines at two offsets two ids', () => {
    const a = lineResults({ ...line('<13>Jan  1 00:00:00 h app: same'), position: '1:2:0' }, 'syslog', ctx, 'UTC')[0];
    const b = lineResults({ ...line('<13>Jan  1 00:00:00 h app: same'), position: '1:2:40' }, 'syslog', ctx, 'UTC')[0];
    expect(a?.ok && b?.ok && a.event.vigil?.id !== b.event.vigil?.id).toBe(true);
  });

  it('reports what a forced format cannot read', () => {
    expect(lineResults(line('not syslog'), 'syslog', ctx, 'UTC')[0]).toMatchObject({ ok: false, code: 'PARSE_SYSLOG' });
    expect(lineResults(line('{broken'), 'windows', ctx, 'UTC')[0]).toMatchObject({ ok: false, code: 'PARSE_RECORD_JSON' });
  });
});

describe('state file', () => {
  it('saves atomically and loads back', async () => {
    const s = new StateFile<{ n: number }>(join(dir, 'state', 'x.json'));
    expect(await s.load()).toBeUndefined();
    await s.save({ n: 1 });
    expect(await s.load()).toEqual({ n: 1 });
  });

  it('reports a corrupt or unwritable state as INPUT_STATE', async () => {
    await writeFile(join(dir, 'bad.json'), '{half');
    await expect(new StateFile(join(dir, 'bad.json')).load()).rejects.toMatchObject({ code: 'INPUT_STATE' });
    const ro = join(dir, 'ro');
    await writeFile(join(dir, 'ro-file'), '');
    await chmod(join(dir, 'ro-file'), 0o444);
    await expect(new StateFile(join(dir, 'ro-file', 'sub.json')).save({})).rejects.toMatchObject({ code: 'INPUT_STATE' });
    void ro;
  });
});
