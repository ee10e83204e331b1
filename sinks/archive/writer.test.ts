import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logger } from '../../core/telemetry/index.js';
import { partitionOf, parseObjectKey, safeDataset } from './partition.js';
import { localStore, type ObjectStore } from './store.js';
import { ArchiveWriter } from './writer.js';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out.sort();
}

describe('archive partitioning', () => {
  it('files events by dataset and UTC day of @timestamp, other topics under _<topic>', () => {
    expect(partitionOf('events', { '@timestamp': '2026-03-01T23:30:00-02:00', event: { dataset: 'Fortinet.Firewall' } }, 0)).toEqual({
      dataset: 'fortinet.firewall',
      day: '2026/03/02',
    });
    expect(partitionOf('alerts', { event: { dataset: 'x' } }, Date.UTC(2026, 0, 5))).toEqual({ dataset: '_alerts', day: '2026/01/05' });
  });
  it('never lets a dataset climb out of the prefix or pose as another topic', () => {
    expect(safeDataset('../../etc/passwd')).toBe('etc-passwd');
    expect(safeDataset('_alerts')).toBe('alerts');
    expect(safeDataset(undefined)).toBe('unknown');
    expect(parseObjectKey('vigil/app/2026/03/02/20260302T100000Z-a-1.ndjson.gz', 'vigil')).toMatchObject({
      dataset: 'app',
      day: '2026/03/02',
    });
  });
});

describe('ArchiveWriter on a local directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-archive-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const writer = (o: Partial<ConstructorParameters<typeof ArchiveWriter>[0]> = {}) =>
    new ArchiveWriter({
      sinkId: 'arch',
      prefix: 'vigil',
      store: localStore(dir),
      maxObjectBytes: 1 << 20,
      rotateMs: 200,
      log: logger('test'),
      ...o,
    });

  it('resolves only once the object is renamed into place, and it gunzips to the lines', async () => {
    const w = writer();
    let done = false;
    const p = w.append({ dataset: 'app', day: '2026/03/02' }, ['{"a":1}', '{"a":2}']).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect((await files(dir))[0]).toMatch(/\.ndjson\.gz\.partial$/);
    await p;
    const [name] = await files(dir);
    expect(name).toMatch(/^vigil\/app\/2026\/03\/02\/\d{8}T\d{6}Z-arch-[0-9a-f]{12}\.ndjson\.gz$/);
    expect(gunzipSync(await readFile(join(dir, name as string))).toString()).toBe('{"a":1}\n{"a":2}\n');
  });

  it('rotates by size: a full object closes at once and the rest opens a new one', async () => {
    const w = writer({ maxObjectBytes: 1024, rotateMs: 60_000 });
    const line = JSON.stringify({ pad: 'x'.repeat(600) });
    const started = Date.now();
    await w.append({ dataset: 'app', day: '2026/03/02' }, [line, line]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await files(dir)).toHaveLength(1);
    expect(w.openCount).toBe(0);
    const third = w.append({ dataset: 'app', day: '2026/03/02' }, [line]);
    expect(w.openCount).toBe(1);
    await w.flush();
    await third;
    expect(await files(dir)).toHaveLength(2);
  });

  it('a failed object rejects its waiters and leaves no partial file', async () => {
    const failing: ObjectStore = {
      async create(key) {
        const inner = await localStore(dir).create(key);
        return { ...inner, complete: () => Promise.reject(new Error('disk full')) };
      },
      close() {},
    };
    const w = writer({ store: failing });
    await expect(w.append({ dataset: 'app', day: '2026/03/02' }, ['{}'])).rejects.toThrow('disk full');
    expect(await files(dir)).toEqual([]);
  });
});
