/**
 * `vigil run` serves the responder API when `api.enabled`, as a real child process on the real
 * services, and stops it on SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { sha256Hex } from '../../api/index.js';
import { exitOf, freePort, spawnVigil } from '../support/child.js';
import { cleanupTest } from '../support/cleanup.js';
import { testConfig } from '../support/config.js';

describe('vigil run with api.enabled', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-api-run-'));
  const config = testConfig('api-run');
  config.inputs = [];

  afterAll(async () => {
    await cleanupTest(config);
    rmSync(work, { recursive: true, force: true });
  });

  it('serves the API beside the respond stage, with its tokens, until SIGTERM', async () => {
    const token = randomBytes(24).toString('hex');
    const [port, opsPort] = [await freePort(), await freePort()];
    const file = join(work, 'vigil.yaml');
    writeFileSync(
      file,
      stringify({
        ...config,
        ops: { host: '127.0.0.1', port: opsPort },
        api: { enabled: true, host: '127.0.0.1', port, tokens: [{ name: 'ci', role: 'viewer', sha256: sha256Hex(token) }] },
      }),
    );
    const log = join(work, 'run.log');
    const child = await spawnVigil(['run', '--config', file, '--stage', 'respond'], log, port);
    try {
      const url = `http://127.0.0.1:${port}/api/playbooks`;
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { playbooks: Array<{ id: string }> };
      expect(body.playbooks.length).toBeGreaterThan(0);
      // The console's pages come from the same listener, without a token, under a strict policy.
      const page = await fetch(`http://127.0.0.1:${port}/console/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exitOf(child), readFileSync(log, 'utf8').slice(-2000)).toBe(0);
  }, 120_000);
});
