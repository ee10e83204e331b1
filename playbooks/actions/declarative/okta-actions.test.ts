import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failure, loopbackContext } from '../../../test/support/actions.js';
import { OKTA_ADMIN_TOKEN, oktaAdminStandIn } from '../../../test/support/standins/okta-admin.js';
import { ACTIONS } from '../registry.js';

describe('okta.suspend_user and okta.clear_sessions (Okta Users API stand-in)', () => {
  const okta = oktaAdminStandIn();
  beforeAll(() => okta.start());
  afterAll(() => okta.stop());
  beforeEach(() => {
    okta.users.clear();
    okta.users.set('00u1abcdEFGH2345ijk6', {
      id: '00u1abcdEFGH2345ijk6',
      login: 'jane.doe@example.com',
      status: 'ACTIVE',
      sessions: 3,
      oauthTokens: 2,
    });
  });
  const suspend = (args: Record<string, unknown>) =>
    ACTIONS['okta.suspend_user'].run({ base_url: okta.base, api_token: OKTA_ADMIN_TOKEN, ...args }, loopbackContext());
  const clear = (args: Record<string, unknown>) =>
    ACTIONS['okta.clear_sessions'].run({ base_url: okta.base, api_token: OKTA_ADMIN_TOKEN, ...args }, loopbackContext());

  it('suspends by login with the SSWS token, then clears the sessions and the OAuth tokens', async () => {
    expect(await suspend({ user: 'jane.doe@example.com' })).toEqual({ user: 'jane.doe@example.com', status: 200 });
    expect(okta.seen.at(-1)).toMatchObject({
      method: 'POST',
      // The login is percent-encoded for the path segment it stands in.
      path: '/api/v1/users/jane.doe%40example.com/lifecycle/suspend',
      headers: { authorization: `SSWS ${OKTA_ADMIN_TOKEN}` },
    });
    expect(okta.users.get('00u1abcdEFGH2345ijk6')?.status).toBe('SUSPENDED');

    expect(await clear({ user: '00u1abcdEFGH2345ijk6' })).toEqual({ user: '00u1abcdEFGH2345ijk6', status: 204 });
    expect(okta.seen.at(-1)?.query.get('oauthTokens')).toBe('true');
    expect(okta.users.get('00u1abcdEFGH2345ijk6')).toMatchObject({ sessions: 0, oauthTokens: 0 });
  });

  it('keeps the OAuth tokens when told to, and declares what may be sent again', async () => {
    await clear({ user: '00u1abcdEFGH2345ijk6', revoke_oauth_tokens: false });
    expect(okta.seen.at(-1)?.query.get('oauthTokens')).toBe('false');
    expect(okta.users.get('00u1abcdEFGH2345ijk6')).toMatchObject({ sessions: 0, oauthTokens: 2 });
    // Okta documents lifecycle operations as not idempotent; clearing sessions twice is clearing once.
    expect(ACTIONS['okta.suspend_user'].idempotent).toBe(false);
    expect(ACTIONS['okta.clear_sessions'].idempotent).toBe(true);
  });

  it("rejects a wrong token with Okta's E0000011 and never shows the token", async () => {
    const denied = await failure(suspend({ user: 'jane.doe@example.com', api_token: 'wrong-token-123' }));
    expect(denied).toMatchObject({ code: 'ACTION_REJECTED', message: 'okta.suspend_user: HTTP 401 E0000011: Invalid token provided' });
    const ok = await clear({ user: 'jane.doe@example.com' });
    for (const shown of [denied.message, JSON.stringify(ok)]) {
      expect(shown).not.toContain(OKTA_ADMIN_TOKEN);
      expect(shown).not.toContain('wrong-token-123');
    }
  });

  it("surfaces Okta's error body: the code, the summary and the causes", async () => {
    const missing = await failure(suspend({ user: 'nobody@example.com' }));
    expect(missing.message).toBe('okta.suspend_user: HTTP 404 E0000007: Not found: Resource not found: nobody@example.com (User)');
    await suspend({ user: 'jane.doe@example.com' });
    const again = await failure(suspend({ user: 'jane.doe@example.com' }));
    expect(again).toMatchObject({
      code: 'ACTION_REJECTED',
      message: 'okta.suspend_user: HTTP 400 E0000001: Api validation failed: suspendUser; Cannot suspend a user that is SUSPENDED',
    });
  });

  it('waits out a 429 until X-Rate-Limit-Reset (Okta sends no Retry-After), and fails the attempt when the reset is past max_wait', async () => {
    okta.exhaust(1, 1);
    const before = okta.seen.length;
    const started = Date.now();
    expect(await suspend({ user: 'jane.doe@example.com' })).toMatchObject({ status: 200 });
    expect(okta.seen.length - before).toBe(2);
    // Reset is whole epoch seconds one second ahead: somewhere in the next 0–2 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);

    okta.exhaust(1, 3600);
    const limited = await failure(clear({ user: 'jane.doe@example.com' }));
    expect(limited.code).toBe('ACTION_FAILED');
    expect(limited.message).toMatch(
      /^okta\.clear_sessions: HTTP 429 E0000047: API call exceeded rate limit due to too many requests\. \(retry after 36\d\d s\)$/,
    );
  });
});
