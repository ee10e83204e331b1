import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIdOf } from '../../playbooks/index.js';
import { find, harness, incident, runEnded, type Harness } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';
import { MDE_CLIENT, MDE_TENANT, defenderStandIn } from '../support/standins/defender.js';
import { OKTA_ADMIN_TOKEN, oktaAdminStandIn } from '../support/standins/okta-admin.js';

/**
 * okta.* and defender.* run by a playbook on real Redis (BullMQ worker) against their stand-ins:
 * the vendor's error reaches the step's audit record, and the credentials reach neither the audit
 * trail nor Redis.
 */
const okta = oktaAdminStandIn();
const mde = defenderStandIn();
let h: Harness;
const machine = 'fe'.repeat(20);

beforeAll(async () => {
  await okta.start();
  await mde.start();
  okta.users.set('00u9zzzzAAAA1111bbbb', {
    id: '00u9zzzzAAAA1111bbbb',
    login: 'bob@example.com',
    status: 'ACTIVE',
    sessions: 2,
    oauthTokens: 1,
  });
  mde.machines.set(machine, { isolated: false });
  const oktaArgs = `base_url: "${okta.base}", api_token: "\${{ secrets.OKTA_TOKEN }}"`;
  const mdeArgs = `tenant_id: ${MDE_TENANT}, client_id: ${MDE_CLIENT.id}, client_secret: "\${{ secrets.MDE_SECRET }}", base_url: "${mde.base}", login_url: "${mde.base}"`;
  h = await harness({
    playbooks: {
      'p.yml': [
        'id: contain-saas',
        'secrets: [OKTA_TOKEN, MDE_SECRET]',
        'trigger: { selection: { incident.rule.id: r-saas }, condition: selection }',
        'steps:',
        '  - ref: suspend',
        '    action: okta.suspend_user',
        `    args: { user: "\${{ $.incident.user.name }}", ${oktaArgs} }`,
        '  - ref: sessions',
        '    needs: [suspend]',
        '    action: okta.clear_sessions',
        `    args: { user: "\${{ $.incident.user.name }}", ${oktaArgs} }`,
        '  - ref: isolate',
        '    action: defender.isolate_machine',
        `    args: { machine_id: "\${{ $.incident.host.id }}", comment: "Vigil \${{ $.incident.id }}", ${mdeArgs} }`,
        '  - ref: unknown_machine',
        '    action: defender.isolate_machine',
        `    args: { machine_id: no-such-machine, comment: "Vigil \${{ $.incident.id }}", ${mdeArgs} }`,
        '    on_error: continue',
      ].join('\n'),
    },
    secrets: () => ({ OKTA_TOKEN: OKTA_ADMIN_TOKEN, MDE_SECRET: MDE_CLIENT.secret }),
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await okta.stop();
  await mde.stop();
});

describe('okta.* and defender.* in a playbook run', () => {
  it('suspends, clears sessions and isolates; the vendor error is in the audit; no credential is stored', async () => {
    const inc = incident('inc-saas', {
      rule: { id: 'r-saas', name: 'r-saas', level: 'high' },
      user: { name: 'bob@example.com' },
      host: { id: machine },
    });
    await h.responder.dispatch(inc);
    const run = runIdOf('contain-saas', 'inc-saas', 0);
    const end = await runEnded(h, run, 30_000);
    expect(end.vigil.playbook.status).toBe('succeeded');
    expect(okta.users.get('00u9zzzzAAAA1111bbbb')).toMatchObject({ status: 'SUSPENDED', sessions: 0, oauthTokens: 0 });
    expect(mde.actions.filter((a) => a.machineId === machine)).toHaveLength(1);
    expect(find(h.audit, 'playbook.step.succeeded', { step: 'isolate', run })[0]?.vigil.playbook.result).toMatchObject({
      machine_id: machine,
      action_status: 'Pending',
      already_in_progress: false,
    });
    const failed = find(h.audit, 'playbook.step.failed', { step: 'unknown_machine', run });
    expect(failed[0]?.error).toEqual({
      code: 'ACTION_REJECTED',
      message: 'defender.isolate_machine: HTTP 404 ResourceNotFound: Machine no-such-machine was not found',
    });

    const audit = JSON.stringify(h.audit);
    const stored = await redisText(h.prefix);
    expect(stored).toContain(machine);
    for (const secret of [OKTA_ADMIN_TOKEN, MDE_CLIENT.secret]) {
      expect(audit).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });
});
