/**
 * `vigil kibana setup` as a real child process against a stand-in of Kibana's documented import
 * and connector APIs (test/support/standins/kibana.ts): Kibana itself cannot run here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../api/auth.js';
import { ROUTES, type ApiDeps } from '../../api/routes.js';
import { startApiServer, type RunningApi } from '../../api/server.js';
import type { ApiConfig } from '../../core/config/types.js';
import type { RunControl } from '../../playbooks/control.js';
import type { Playbook } from '../../playbooks/index.js';
import { vigilSavedObjects } from '../../kibana/objects/index.js';
import { playbookConnector, upsertConnector } from '../../kibana/connector.js';
import { setupKibana } from '../../kibana/setup.js';
import { isVigilError } from '../../core/errors/index.js';
import { KIBANA_API_KEY, KIBANA_USER, KIBANA_VIEWER, KibanaStandIn, parseMultipart } from '../support/standins/kibana.js';
import { freePort } from '../support/child.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function vigil(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/vigil.js', ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const OBJECT_COUNT = vigilSavedObjects().length;
const START_RUN = ROUTES.find((r) => r.operationId === 'startRun');

describe('vigil kibana setup', () => {
  let kibana: KibanaStandIn;
  beforeAll(async () => {
    kibana = await new KibanaStandIn({ spaces: ['soc'] }).start();
  });
  afterAll(async () => {
    await kibana.stop();
  });

  const apiKeyArgs = () => ['kibana', 'setup', '--url', kibana.base, '--api-key', KIBANA_API_KEY];
  const connectorArgs = [
    '--vigil-url',
    'https://vigil.example:8443/',
    '--vigil-token',
    'responder-token',
    '--playbook',
    'contain-host,notify',
  ];

  it('imports every object into the default space as multipart `file`, with kbn-xsrf and the API key, and creates the connectors', async () => {
    const run = await vigil([...apiKeyArgs(), ...connectorArgs]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(kibana.objects.get('default')?.size).toBe(OBJECT_COUNT);
    expect(run.stdout).toContain('created index-pattern vigil-incidents (vigil-incidents)');
    expect(run.stdout).toContain('created dashboard vigil-soc-overview (Vigil SOC overview)');
    expect(run.stdout).toMatch(
      /^created connector vigil-playbook-contain-host \(Vigil: start playbook contain-host\) → https:\/\/vigil\.example:8443\/api\/playbooks\/contain-host\/runs$/m,
    );

    const imp = kibana.seen.find((s) => s.path === '/api/saved_objects/_import')!;
    expect(imp.query.get('overwrite')).toBe('true');
    expect(imp.headers['kbn-xsrf']).toBeDefined();
    expect(imp.headers.authorization).toBe(`ApiKey ${KIBANA_API_KEY}`);
    const file = parseMultipart(String(imp.headers['content-type']), String(imp.body)).get('file');
    expect(file?.filename).toBe('vigil.ndjson');
    expect(file?.content.trimEnd().split('\n')).toHaveLength(OBJECT_COUNT);
  });

  it('builds the connector to call the responder API’s start-run route with a bearer token', () => {
    const c = kibana.connectors.get('default')?.get('vigil-playbook-contain-host');
    expect(START_RUN?.method).toBe('POST');
    expect(c?.config).toEqual({
      url: `https://vigil.example:8443${START_RUN?.path.replace('{playbook}', 'contain-host')}`,
      method: 'post',
      headers: { 'content-type': 'application/json', authorization: 'Bearer responder-token' },
      hasAuth: false,
    });
  });

  it('is idempotent: a second run overwrites the same ids and updates the connectors (409, then PUT)', async () => {
    const before = kibana.seen.length;
    const run = await vigil([...apiKeyArgs(), ...connectorArgs]);
    expect(run.code).toBe(0);
    expect(kibana.objects.get('default')?.size).toBe(OBJECT_COUNT);
    expect(run.stdout).not.toMatch(/^created index-pattern/m);
    expect(run.stdout).toContain('updated dashboard vigil-soc-overview (Vigil SOC overview)');
    expect(run.stdout).toMatch(/^updated connector vigil-playbook-contain-host/m);
    const calls = kibana.seen.slice(before).filter((s) => s.path === '/api/actions/connector/vigil-playbook-contain-host');
    expect(calls.map((s) => s.method)).toEqual(['POST', 'PUT']);
    expect(calls[1]?.body).not.toHaveProperty('connector_type_id');
    expect(kibana.connectors.get('default')?.size).toBe(2);
  });

  it('takes the Vigil token from VIGIL_API_TOKEN, so it stays off the command line', async () => {
    const run = await vigil([...apiKeyArgs(), '--vigil-url', 'https://vigil.example:8443', '--playbook', 'notify'], {
      VIGIL_API_TOKEN: 'env-token',
    });
    expect(run.code).toBe(0);
    expect(kibana.connectors.get('default')?.get('vigil-playbook-notify')?.config.headers).toMatchObject({
      authorization: 'Bearer env-token',
    });
  });

  it('writes into the space given by --space, through the /s/<space> prefix, with Basic auth', async () => {
    const run = await vigil([
      'kibana',
      'setup',
      '--url',
      kibana.base,
      '--user',
      KIBANA_USER.user,
      '--password',
      KIBANA_USER.password,
      '--space',
      'soc',
    ]);
    expect(run.code).toBe(0);
    expect(kibana.objects.get('soc')?.size).toBe(OBJECT_COUNT);
    const last = kibana.seen.at(-1)!;
    expect(last.path).toBe('/s/soc/api/saved_objects/_import');
    expect(last.headers.authorization).toBe(`Basic ${Buffer.from(`${KIBANA_USER.user}:${KIBANA_USER.password}`).toString('base64')}`);
  });

  it('with --config, reads the index prefix and the Vigil URL (api.publicUrl) from vigil.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-kibana-'));
    try {
      const file = join(dir, 'vigil.yaml');
      writeFileSync(
        file,
        'elasticsearch:\n  indexPrefix: soc-a\napi:\n  publicUrl: https://vigil.soc.example\nsinks:\n  - id: es\n    type: elasticsearch\n',
      );
      const run = await vigil([...apiKeyArgs(), '--config', file, '--vigil-token', 't', '--playbook', 'notify']);
      expect(run.stderr).toBe('');
      expect(kibana.objects.get('default')?.get('index-pattern:soc-a-incidents')?.attributes.title).toBe('soc-a-incidents');
      expect(kibana.connectors.get('default')?.get('soc-a-playbook-notify')?.config.url).toBe(
        'https://vigil.soc.example/api/playbooks/notify/runs',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown space is a clear error and a non-zero exit', async () => {
    const run = await vigil([...apiKeyArgs(), '--space', 'nope']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/saved objects import: Kibana answered 404: Not Found/);
  });

  it('a wrong API key: 401, said plainly, exit 1', async () => {
    const run = await vigil(['kibana', 'setup', '--url', kibana.base, '--api-key', 'd3Jvbmc6a2V5']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^vigil kibana: POST \/api\/saved_objects\/_import\?overwrite=true: Kibana refused the API key \(401\)/);
  });

  it('a user without the privileges: 403, naming the space and what is needed, exit 1', async () => {
    const run = await vigil(['kibana', 'setup', '--url', kibana.base, '--user', KIBANA_VIEWER.user, '--password', KIBANA_VIEWER.password]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not allowed in space "default" \(403\).*Saved Objects Management/);
  });

  it('a Kibana that does not answer: KIBANA_UNREACHABLE', async () => {
    const port = await freePort();
    const err = await setupKibana(
      { target: { url: `http://127.0.0.1:${port}`, auth: { apiKey: 'x' } }, indexPrefix: 'vigil' },
      () => {},
    ).catch((e: unknown) => e);
    expect(isVigilError(err) && err.code).toBe('KIBANA_UNREACHABLE');
  });

  it('incomplete connector options are a usage error before anything is sent', async () => {
    const before = kibana.seen.length;
    const run = await vigil([...apiKeyArgs(), '--playbook', 'notify']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/connectors need --vigil-url/);
    expect(kibana.seen.length).toBe(before);
  });
});

describe('a partial import', () => {
  let kibana: KibanaStandIn;
  beforeAll(async () => {
    // A Kibana without Discover's saved searches: the search is refused, and the dashboard that embeds it misses a reference.
    kibana = await new KibanaStandIn({ types: ['index-pattern', 'dashboard'] }).start();
  });
  afterAll(async () => {
    await kibana.stop();
  });

  it('names each failed object with its error type and exits non-zero; connectors are not touched', async () => {
    const run = await vigil([
      'kibana',
      'setup',
      '--url',
      kibana.base,
      '--api-key',
      KIBANA_API_KEY,
      '--vigil-url',
      'http://v',
      '--vigil-token',
      't',
      '--playbook',
      'p',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`saved objects import: 2 object(s) failed, ${OBJECT_COUNT - 2} imported`);
    expect(run.stderr).toContain('search vigil-incident-triage (Vigil incident triage): unsupported_type');
    expect(run.stderr).toContain('dashboard vigil-soc-overview (Vigil SOC overview): missing_references: search vigil-incident-triage');
    expect(kibana.seen.some((s) => s.path.startsWith('/api/actions/'))).toBe(false);
  });
});

describe('the stand-in holds Kibana to its documented contract', () => {
  let kibana: KibanaStandIn;
  beforeAll(async () => {
    kibana = await new KibanaStandIn().start();
  });
  afterAll(async () => {
    await kibana.stop();
  });

  const form = (name: string) => {
    const f = new FormData();
    f.append('file', new Blob(['{"type":"index-pattern","id":"x","attributes":{"title":"x"},"references":[]}\n']), name);
    return f;
  };

  it('refuses a change without kbn-xsrf (400), and a wrong file extension', async () => {
    const auth = { authorization: `ApiKey ${KIBANA_API_KEY}` };
    const noXsrf = await fetch(`${kibana.base}/api/saved_objects/_import`, { method: 'POST', headers: auth, body: form('a.ndjson') });
    expect(noXsrf.status).toBe(400);
    expect(await noXsrf.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' });
    const txt = await fetch(`${kibana.base}/api/saved_objects/_import`, {
      method: 'POST',
      headers: { ...auth, 'kbn-xsrf': 'x' },
      body: form('a.txt'),
    });
    expect(txt.status).toBe(400);
  });

  it('a connector config Kibana refuses is KIBANA_REQUEST with Kibana’s own message', async () => {
    const spec = playbookConnector('vigil', { vigilUrl: 'http://v', token: 't', playbook: 'p' });
    const target = { url: kibana.base, auth: { apiKey: KIBANA_API_KEY } };
    const err = await upsertConnector(target, { ...spec, config: { ...spec.config, method: 'get' } }).catch((e: unknown) => e);
    expect(isVigilError(err) && err.code).toBe('KIBANA_REQUEST');
    expect((err as Error).message).toMatch(
      /^create connector vigil-playbook-p: Kibana answered 400: error validating action type config: \[method\]/,
    );
  });

  it('reports a conflict per object when importing again without overwrite', async () => {
    const headers = { authorization: `ApiKey ${KIBANA_API_KEY}`, 'kbn-xsrf': 'x' };
    await fetch(`${kibana.base}/api/saved_objects/_import`, { method: 'POST', headers, body: form('a.ndjson') });
    const again = await fetch(`${kibana.base}/api/saved_objects/_import`, { method: 'POST', headers, body: form('a.ndjson') });
    expect(await again.json()).toEqual({
      success: false,
      successCount: 0,
      successResults: [],
      errors: [{ id: 'x', type: 'index-pattern', meta: { title: 'x' }, error: { type: 'conflict' } }],
    });
  });
});

describe('the connector, sent as Kibana’s webhook connector sends it, starts a run on the real responder API', () => {
  const RESPONDER = 'responder-token-0123456789abcdef';
  const started: Array<{ playbook: string; incident: string; by: string }> = [];
  let api: RunningApi;
  let kibana: KibanaStandIn;
  beforeAll(async () => {
    const deps: ApiDeps = {
      incidents: {
        list: async () => ({ total: 0, incidents: [] }),
        get: async () => undefined,
        alerts: async () => [],
        metrics: async () => Promise.reject(new Error('not read by this test')),
      },
      publishStatus: async () => undefined,
      audit: async () => undefined,
      runs: {
        start: async (pb: { id: string }, incident: string, _raw: unknown, by: string) => {
          started.push({ playbook: pb.id, incident, by });
          return 'run-1';
        },
      } as unknown as RunControl,
      playbooks: () => [{ id: 'contain-host' } as unknown as Playbook],
    };
    const config: ApiConfig = {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 4096,
      tokens: [{ name: 'kibana', role: 'responder', sha256: sha256Hex(RESPONDER) }],
    };
    api = await startApiServer({ config, deps, log: { info: () => undefined, error: () => undefined } as never });
    kibana = await new KibanaStandIn().start();
  });
  afterAll(async () => {
    await api?.close();
    await kibana?.stop();
  });

  it('POSTs the rule action’s body with the configured headers and gets 202 with the run id', async () => {
    await setupKibana(
      {
        target: { url: kibana.base, auth: { apiKey: KIBANA_API_KEY } },
        indexPrefix: 'vigil',
        connectors: { vigilUrl: `http://127.0.0.1:${api.port}`, token: RESPONDER, playbooks: ['contain-host'] },
      },
      () => undefined,
    );
    const c = kibana.connectors.get('default')!.get('vigil-playbook-contain-host')!;
    // What the webhook executor does: the configured method, URL and headers, and the action's body.
    const res = await fetch(String(c.config.url), {
      method: String(c.config.method).toUpperCase(),
      headers: c.config.headers as Record<string, string>,
      body: JSON.stringify({ incident: 'inc-42' }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ run: 'run-1', playbook: 'contain-host', incident: 'inc-42' });
    expect(started).toEqual([{ playbook: 'contain-host', incident: 'inc-42', by: 'api:kibana' }]);
  });
});
