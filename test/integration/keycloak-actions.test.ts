import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../playbooks/actions/registry.js';
import type { AuditDocument } from '../../playbooks/index.js';
import { failure, loopbackContext } from '../support/actions.js';
import { exitOf } from '../support/child.js';
import { SERVICES } from '../support/config.js';
import {
  passwordLogin,
  sessionCount,
  setUpRealm,
  startKeycloak,
  userOf,
  type KeycloakRealm,
  type KeycloakServer,
} from '../support/keycloak.js';
import { HIGH, dropPrefix, incident, playbookDir } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';
import { startThrottleProxy, type ThrottleProxy } from '../support/throttle-proxy.js';
import { waitFor } from '../support/wait.js';

/**
 * keycloak.disable_user and keycloak.logout_user against a real Keycloak (started once for this
 * file), authenticated as a service-account client by client credentials, run by a playbook in a
 * real worker process on real Redis.
 */
let kc: KeycloakServer | undefined;
beforeAll(async () => {
  kc = await startKeycloak();
  if (kc) console.log(`keycloak ready in ${kc.startMs} ms`);
}, 300_000);
afterAll(async () => {
  await kc?.stop();
});

const realmName = () => `vt-${randomBytes(4).toString('hex')}`;

describe('keycloak.* on a real Keycloak', () => {
  it('a playbook disables the user found by username and ends their sessions: their login then fails "Account disabled", no session is left, and the client secret is nowhere', async (t) => {
    if (!kc) return t.skip();
    const r = await setUpRealm(kc, realmName());
    const before = await passwordLogin(kc, r);
    expect(before.status).toBe(200);
    expect(await sessionCount(kc, r)).toBeGreaterThanOrEqual(1);

    const creds = `base_url: "${kc.url}", realm: ${r.realm}, client_id: ${r.clientId}, client_secret: "\${{ secrets.KC_SECRET }}"`;
    const prefix = `t-pb-kc-${randomBytes(4).toString('hex')}`;
    const dir = await playbookDir({
      'p.yml': [
        'id: account-compromise',
        'secrets: [KC_SECRET]',
        HIGH,
        'steps:',
        '  - ref: disable',
        '    action: keycloak.disable_user',
        `    args: { username: "\${{ $.incident.user.name }}", ${creds} }`,
        '  - ref: logout',
        '    needs: [disable]',
        '    action: keycloak.logout_user',
        `    args: { user_id: "\${{ $.steps.disable.user_id }}", ${creds} }`,
      ].join('\n'),
    });
    const work = await mkdtemp(join(tmpdir(), 'vigil-pb-kc-'));
    const auditFile = join(work, 'audit.jsonl');
    let logs = '';
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'test/support/playbook-worker.ts'], {
        env: {
          ...process.env,
          VIGIL_TEST_REDIS: SERVICES.redis,
          VIGIL_TEST_PREFIX: prefix,
          VIGIL_TEST_PLAYBOOKS: dir,
          VIGIL_TEST_SECRETS: JSON.stringify({ KC_SECRET: r.clientSecret }),
          VIGIL_TEST_AUDIT: auditFile,
          VIGIL_TEST_INCIDENT: JSON.stringify(incident('inc-kc', { user: { name: r.username } })),
          VIGIL_TEST_LOCK_MS: '5000',
          VIGIL_LOG_LEVEL: 'debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (c: Buffer) => (logs += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (logs += c.toString()));
      const audit = (): AuditDocument[] =>
        existsSync(auditFile)
          ? readFileSync(auditFile, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as AuditDocument)
          : [];
      const end = await waitFor('the run to end', async () => audit().find((d) => d.event.action === 'playbook.run.ended'), 90_000, 100);
      expect(end.vigil.playbook.status, logs.slice(-2000)).toBe('succeeded');
      const result = (step: string) =>
        audit().find((d) => d.event.action === 'playbook.step.succeeded' && d.vigil.playbook.step === step)?.vigil.playbook.result;
      expect(result('disable')).toEqual({ user_id: r.userId, username: r.username, status: 204 });
      expect(result('logout')).toEqual({ user_id: r.userId, username: null, status: 204 });

      const after = await passwordLogin(kc, r);
      expect(after).toEqual({ status: 400, error: 'Account disabled' });
      expect(await sessionCount(kc, r)).toBe(0);
      // The partial update changed only `enabled`.
      expect(await userOf(kc, r)).toMatchObject({ enabled: false, email: 'alice@example.test' });

      const stored = await redisText(prefix);
      expect(stored).toContain(r.userId);
      expect(logs).toMatch(/"step":"disable","status":"succeeded"/);
      expect(logs).not.toContain(r.clientSecret);
      expect(readFileSync(auditFile, 'utf8')).not.toContain(r.clientSecret);
      expect(stored).not.toContain(r.clientSecret);
    } finally {
      if (child && child.exitCode === null) {
        const gone = exitOf(child);
        child.kill('SIGTERM');
        await gone;
      }
      await dropPrefix(prefix);
      await rm(dir, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    }
  }, 180_000);

  describe('direct calls', () => {
    let r: KeycloakRealm;
    let proxy: ThrottleProxy;
    beforeAll(async () => {
      if (!kc) return;
      r = await setUpRealm(kc, realmName());
      proxy = await startThrottleProxy(kc.url);
    }, 120_000);
    afterAll(() => proxy?.close());
    const args = (more: Record<string, unknown> = {}) => ({
      base_url: kc?.url,
      realm: r.realm,
      client_id: r.clientId,
      client_secret: r.clientSecret,
      ...more,
    });

    it("refuses a wrong client secret with Keycloak's OAuth error, and never shows the secret", async (t) => {
      if (!kc) return t.skip();
      const denied = await failure(
        ACTIONS['keycloak.disable_user'].run(args({ client_secret: 'wrong-secret-xyz', user_id: r.userId }), loopbackContext()),
      );
      expect(denied).toMatchObject({ code: 'ACTION_REJECTED', message: 'OAuth token request refused: unauthorized_client' });
      expect(denied.message).not.toContain('wrong-secret-xyz');
      expect((await userOf(kc, r)).enabled).toBe(true);
    });

    it("surfaces Keycloak's error for an unknown user id, and says so when no user has the username", async (t) => {
      if (!kc) return t.skip();
      const unknown = await failure(
        ACTIONS['keycloak.logout_user'].run(args({ user_id: '00000000-0000-0000-0000-000000000000' }), loopbackContext()),
      );
      expect(unknown).toMatchObject({ code: 'ACTION_REJECTED', message: 'keycloak.logout_user: HTTP 404 User not found' });
      const nobody = await failure(ACTIONS['keycloak.disable_user'].run(args({ username: 'alice' }), loopbackContext()));
      // `exact=true`: "alice" does not find "alice.compromised".
      expect(nobody).toMatchObject({ code: 'ACTION_REJECTED', message: 'keycloak.disable_user: no user_id found for username "alice"' });
      expect((await failure(ACTIONS['keycloak.disable_user'].run(args(), loopbackContext()))).message).toBe(
        'keycloak.disable_user: user_id or username is required',
      );
      expect((await userOf(kc, r)).enabled).toBe(true);
    });

    it('waits out a 429 Retry-After from a gateway in front of Keycloak (up to rate_limit.retries times), and fails the attempt past max_wait', async (t) => {
      if (!kc) return t.skip();
      const login = await passwordLogin(kc, r);
      expect(login.status).toBe(200);
      proxy.throttle(2, '1', '/admin/');
      const started = Date.now();
      const done = await ACTIONS['keycloak.logout_user'].run(args({ base_url: proxy.url, username: r.username }), loopbackContext());
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(done).toEqual({ user_id: r.userId, username: r.username, status: 204 });
      expect(proxy.throttled).toHaveLength(2);
      expect(await sessionCount(kc, r)).toBe(0);

      proxy.throttle(1, '600', '/admin/');
      const limited = await failure(
        ACTIONS['keycloak.disable_user'].run(args({ base_url: proxy.url, user_id: r.userId }), loopbackContext()),
      );
      expect(limited).toMatchObject({
        code: 'ACTION_FAILED',
        message: 'keycloak.disable_user: HTTP 429 too_many_requests: Rate limit exceeded (retry after 600 s)',
      });
    });
  });
});
