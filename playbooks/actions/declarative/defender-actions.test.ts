import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, loopbackContext } from '../../../test/support/actions.js';
import { MDE_CLIENT, MDE_TENANT, defenderStandIn } from '../../../test/support/standins/defender.js';
import { ACTIONS } from '../registry.js';
import { LIBRARY_DIR, parseLibraryFile } from './index.js';

describe('defender.isolate_machine and defender.unisolate_machine (Defender for Endpoint stand-in)', () => {
  const mde = defenderStandIn();
  beforeAll(() => mde.start());
  afterAll(() => mde.stop());
  const machine = '1e5bc9d7e413ddd7902c2932e418702b84d0cc07';
  const args = (more: Record<string, unknown> = {}) => ({
    tenant_id: MDE_TENANT,
    client_id: MDE_CLIENT.id,
    client_secret: MDE_CLIENT.secret,
    machine_id: machine,
    comment: 'Vigil incident inc-42: malware on web-01',
    base_url: mde.base,
    login_url: mde.base,
    ...more,
  });
  const isolate = (more?: Record<string, unknown>) => ACTIONS['defender.isolate_machine'].run(args(more), loopbackContext());

  it('gets a token from the tenant with client credentials and the API scope, isolates, then releases the machine', async () => {
    mde.machines.set(machine, { isolated: false });
    const result = (await isolate({ isolation_type: 'Selective' })) as Record<string, unknown>;
    expect(result).toEqual({ machine_id: machine, action_id: mde.actions[0]?.id, action_status: 'Pending', already_in_progress: false });
    expect(mde.seen[0]).toMatchObject({
      path: `/${MDE_TENANT}/oauth2/v2.0/token`,
      body: {
        grant_type: 'client_credentials',
        client_id: MDE_CLIENT.id,
        client_secret: MDE_CLIENT.secret,
        scope: 'https://api.securitycenter.microsoft.com/.default',
      },
    });
    expect(mde.seen.at(-1)).toMatchObject({
      path: `/api/machines/${machine}/isolate`,
      body: { Comment: 'Vigil incident inc-42: malware on web-01', IsolationType: 'Selective' },
    });
    mde.completePending();
    expect(mde.machines.get(machine)?.isolated).toBe(true);

    const released = (await ACTIONS['defender.unisolate_machine'].run(args(), loopbackContext())) as Record<string, unknown>;
    expect(released).toMatchObject({ action_status: 'Pending', already_in_progress: false });
    expect(mde.seen.at(-1)?.body).toEqual({ Comment: 'Vigil incident inc-42: malware on web-01' });
    mde.completePending();
    expect(mde.machines.get(machine)?.isolated).toBe(false);
    expect(mde.tokensIssued()).toBe(1);
  });

  it('takes a repeat while the first request is pending (400 ActiveRequestAlreadyExists) as done: one machine action', async () => {
    const id = 'aa'.repeat(20);
    mde.machines.set(id, { isolated: false });
    const first = (await isolate({ machine_id: id })) as Record<string, unknown>;
    const again = (await isolate({ machine_id: id })) as Record<string, unknown>;
    expect(first.already_in_progress).toBe(false);
    expect(again).toEqual({ machine_id: id, action_id: null, action_status: null, already_in_progress: true });
    expect(mde.actions.filter((a) => a.machineId === id)).toHaveLength(1);
    expect(ACTIONS['defender.isolate_machine'].idempotent).toBe(true);
  });

  it("surfaces Defender's error body (code and message) and checks the isolation type before calling", async () => {
    const missing = await failure(isolate({ machine_id: 'not-a-machine' }));
    expect(missing).toMatchObject({
      code: 'ACTION_REJECTED',
      message: 'defender.isolate_machine: HTTP 404 ResourceNotFound: Machine not-a-machine was not found',
    });
    const before = mde.seen.length;
    expect((await failure(isolate({ isolation_type: 'Partial' }))).message).toMatch(/isolation_type must be one of Full, Selective/);
    expect(mde.seen.length).toBe(before);
  });

  it('rejects a wrong client secret with the identity platform error and never shows the secret', async () => {
    const denied = await failure(isolate({ client_id: 'other-app', client_secret: 'not-the-secret-value' }));
    expect(denied).toMatchObject({ code: 'ACTION_REJECTED', message: 'OAuth token request refused: invalid_client' });
    expect(denied.message).not.toContain('not-the-secret-value');
    mde.machines.set(machine, { isolated: false });
    const ok = await isolate();
    expect(JSON.stringify(ok)).not.toContain(MDE_CLIENT.secret);
    mde.completePending();
  });

  it('gets one new token when the API refuses the cached one', async () => {
    const issued = mde.tokensIssued();
    mde.revokeTokens();
    await ACTIONS['defender.unisolate_machine'].run(args(), loopbackContext());
    mde.completePending();
    expect(mde.tokensIssued()).toBe(issued + 1);
  });

  it('waits out a 429 Retry-After within max_wait, and fails the attempt (to be retried by the step) when it is longer', async () => {
    mde.machines.set(machine, { isolated: false });
    mde.throttle(1, '1');
    const started = Date.now();
    expect(await isolate()).toMatchObject({ action_status: 'Pending' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    mde.completePending();
    mde.throttle(1, '300');
    const limited = await failure(isolate());
    expect(limited).toMatchObject({
      code: 'ACTION_FAILED',
      message:
        'defender.isolate_machine: HTTP 429 TooManyRequests: API calls quota exceeded! Maximum calls allowed per minute: 100. (retry after 300 s)',
    });
  });

  it("refuses already_done_codes without an error_code to read them from (the file's line is named)", () => {
    const text = readFileSync(`${LIBRARY_DIR}defender.isolate_machine.yml`, 'utf8').replace('  error_code: $.error.code\n', '');
    expect(() => parseLibraryFile(text, '/lib/defender.isolate_machine.yml')).toThrow(
      /^response\.already_done_codes needs response\.error_code \(where the code is\) \(line \d+\)$/,
    );
  });
});
