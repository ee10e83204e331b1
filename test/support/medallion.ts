import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './child.js';
import { waitFor } from './wait.js';

/**
 * medallion, the OASIS TAXII 2.1 reference server (PyPI), installed by scripts/ensure-medallion.sh
 * and run on a free loopback port with its memory backend: one API root `api1` holding one
 * collection of the given STIX objects, each added at the date given (the manifest drives
 * `added_after` and paging), behind HTTP Basic `taxii:taxiipass`.
 */
export interface TaxiiObject {
  readonly object: Record<string, unknown>;
  /** `date_added` in the collection's manifest. */
  readonly added: string;
}

export interface MedallionServer {
  readonly discovery: string;
  readonly root: string;
  readonly collection: string;
  readonly username: string;
  readonly password: string;
  stop(): Promise<void>;
}

const DIR = process.env.VIGIL_MEDALLION_DIR ?? join(homedir(), '.cache', 'vigil', 'medallion');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COLLECTION_ID = '365fed99-08fa-fdcd-a1b3-fb247eb41d01';

/** A STIX 2.1 indicator object with a pattern (ids are deterministic from `n`). */
export function stixIndicator(n: number, pattern: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-7c2b-4c5b-9d0a-${n.toString(16).padStart(12, '0')}`,
    created: '2026-12-01T00:00:00.000Z',
    modified: '2026-12-01T00:00:00.000Z',
    name: `indicator ${n}`,
    pattern,
    pattern_type: 'stix',
    valid_from: '2026-12-01T00:00:00.000Z',
    indicator_types: ['malicious-activity'],
    ...extra,
  };
}

/** Installs medallion when missing and starts it; undefined when it cannot be installed here. */
export async function startMedallion(
  objects: readonly TaxiiObject[],
  options: { port?: number; pageSize?: number } = {},
): Promise<MedallionServer | undefined> {
  const bin = join(DIR, 'bin', 'medallion');
  if (!existsSync(bin)) spawnSync('bash', [join(ROOT, 'scripts/ensure-medallion.sh')], { stdio: 'inherit' });
  if (!existsSync(bin)) return undefined;
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const work = mkdtempSync(join(tmpdir(), 'vigil-medallion-'));
  const data = {
    '/discovery': {
      title: 'Vigil test TAXII',
      description: 'test',
      contact: 'none',
      default: `${base}/api1/`,
      api_roots: [`${base}/api1/`],
    },
    api1: {
      information: { title: 'api1', description: 'root', versions: ['application/taxii+json;version=2.1'], max_content_length: 10485760 },
      status: [],
      collections: [
        {
          id: COLLECTION_ID,
          title: 'blocklist',
          description: 'test indicators',
          can_read: true,
          can_write: true,
          media_types: ['application/stix+json;version=2.1'],
          objects: objects.map((o) => o.object),
          manifest: objects.map((o) => ({
            id: o.object.id,
            date_added: o.added,
            version: o.object.modified,
            media_type: 'application/stix+json;version=2.1',
          })),
        },
      ],
    },
  };
  writeFileSync(join(work, 'data.json'), JSON.stringify(data));
  writeFileSync(
    join(work, 'config.json'),
    JSON.stringify({
      backend: { module: 'medallion.backends.memory_backend', module_class: 'MemoryBackend', filename: 'data.json' },
      users: { taxii: 'taxiipass' },
      taxii: { max_page_size: options.pageSize ?? 100 },
    }),
  );
  const child: ChildProcess = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), 'config.json'], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const auth = `Basic ${Buffer.from('taxii:taxiipass').toString('base64')}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(work, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  try {
    await waitFor(
      'medallion',
      async () =>
        (
          await fetch(`${base}/taxii2/`, { headers: { accept: 'application/taxii+json;version=2.1', authorization: auth } }).catch(
            () => undefined,
          )
        )?.ok,
      30_000,
      100,
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { discovery: `${base}/taxii2/`, root: `${base}/api1/`, collection: COLLECTION_ID, username: 'taxii', password: 'taxiipass', stop };
}
