import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../playbooks/actions/registry.js';
import { failure, loopbackContext } from '../support/actions.js';
import {
  passwordLogin,
  sessionCount,
  setUpRealm,
  startKeycloak,
  userOf,
  type KeycloakRealm,
  type KeycloakServer,
} from '../support/keycloak.js';
import { workerScene } from '../support/playbook-worker.js';
import { HIGH, incident } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';
import { startThrottleProxy, type ThrottleProxy } from '../support/throttle-proxy.js';

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
    const scene = await workerScene('t-pb-kc', {
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
    try {
      const worker = scene.start({
        secrets: { KC_SECRET: r.clientSecret },
        incident: incident('inc-kc', { user: { name: r.username } }),
        lockMs: 5000,
        logLevel: 'debug',
      });
      const end = await scene.runEnded(90_000, 100);
      expect(end.vigil.playbook.status, worker.logs().slice(-2000)).toBe('succeeded');
      const result = (step: string) =>
        scene.audit().find((d) => d.event.action === 'playbook.step.succeeded' && d.vigil.playbook.step === step)?.vigil.playbook.result;
      expect(result('disable')).toEqual({ user_id: r.userId, username: r.username, status: 204 });
      expect(result('logout')).toEqual({ user_id: r.userId, username: null, status: 204 });

      const after = await passwordLogin(kc, r);
      expect(after).toEqual({ status: 400, error: 'Account disabled' });
      expect(await sessionCount(kc, r)).toBe(0);
      // The partial update changed only `enabled`.
      expect(await userOf(kc, r)).toMatchObject({ enabled: false, email: 'alice@example.test' });

      const stored = await redisText(scene.prefix);
      expect(stored).toContain(r.userId);
      expect(worker.logs()).toMatch(/"step":"disable","status":"succeeded"/);
      expect(worker.logs()).not.toContain(r.clientSecret);
      expect(scene.auditText()).not.toContain(r.clientSecret);
      expect(stored).not.toContain(r.clientSecret);
    } finally {
      await scene.close();
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
