import { randomBytes } from 'node:crypto';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../support/moto.js';
import { workerScene } from '../support/playbook-worker.js';
import { HIGH, incident } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';

/**
 * aws.iam.deactivate_access_key against moto's IAM (the real AWS API shapes, signed requests,
 * AWS error codes), run by a playbook in a real worker process (test/support/playbook-worker.ts)
 * on real Redis, whose logs, audit file and Redis keys are searched for the caller's credentials.
 */
let moto: MotoServer | undefined;
let iam: IAMClient;
beforeAll(async () => {
  moto = await startMoto();
  if (!moto) return;
  iam = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'AKIAADMIN0000000TEST', secretAccessKey: 'admin' },
  });
}, 180_000);
afterAll(async () => {
  iam?.destroy();
  await moto?.stop();
});

const statusOf = async (user: string) =>
  Object.fromEntries(
    ((await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId, k.Status]),
  );

describe('aws.iam.deactivate_access_key on moto IAM', () => {
  it("deactivates the key of the incident (finding its user), leaves the user's other key alone, fails a missing key with NoSuchEntity, and never shows the credentials", async (ctx) => {
    if (!moto) return ctx.skip();
    const user = `mallory-${randomBytes(3).toString('hex')}`;
    await iam.send(new CreateUserCommand({ UserName: user }));
    const leaked = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey?.AccessKeyId as string;
    const other = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey?.AccessKeyId as string;
    expect(await statusOf(user)).toEqual({ [leaked]: 'Active', [other]: 'Active' });

    const callerId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const callerSecret = `vigil-caller-secret-${randomBytes(12).toString('hex')}`;
    const creds =
      'aws_access_key_id: "${{ secrets.AWS_ID }}", aws_secret_access_key: "${{ secrets.AWS_SECRET }}", endpoint: ' + moto.endpoint;
    const scene = await workerScene('t-pb-iam', {
      'p.yml': [
        'id: aws-contain',
        'secrets: [AWS_ID, AWS_SECRET]',
        HIGH,
        'steps:',
        '  - ref: deactivate',
        '    action: aws.iam.deactivate_access_key',
        `    args: { access_key_id: "\${{ $.incident.cloud.access_key_id }}", ${creds} }`,
        '  - ref: again',
        '    needs: [deactivate]',
        '    action: aws.iam.deactivate_access_key',
        `    args: { access_key_id: "\${{ $.incident.cloud.access_key_id }}", user_name: "\${{ $.steps.deactivate.user_name }}", ${creds} }`,
        '  - ref: missing',
        '    action: aws.iam.deactivate_access_key',
        `    args: { access_key_id: AKIA0000000000MISSING, user_name: ${user}, ${creds} }`,
        '    on_error: continue',
      ].join('\n'),
    });
    try {
      const worker = scene.start({
        secrets: { AWS_ID: callerId, AWS_SECRET: callerSecret },
        incident: incident('inc-aws', { cloud: { access_key_id: leaked } }),
        lockMs: 5000,
        logLevel: 'debug',
      });
      const end = await scene.runEnded(60_000, 50);
      expect(end.vigil.playbook.status).toBe('succeeded');

      const of = (action: string, step: string) => scene.audit().filter((d) => d.event.action === action && d.vigil.playbook.step === step);
      expect(of('playbook.step.succeeded', 'deactivate')[0]?.vigil.playbook.result).toEqual({
        access_key_id: leaked,
        user_name: user,
        status: 'Inactive',
      });
      expect(of('playbook.step.succeeded', 'again')[0]?.vigil.playbook.result).toEqual({
        access_key_id: leaked,
        user_name: user,
        status: 'Inactive',
      });
      expect(await statusOf(user)).toEqual({ [leaked]: 'Inactive', [other]: 'Active' });

      const missing = of('playbook.step.failed', 'missing');
      expect(missing).toHaveLength(1);
      expect(missing[0]?.error).toMatchObject({ code: 'ACTION_REJECTED', message: expect.stringMatching(/NoSuchEntity \(HTTP 404\)/) });

      const stored = await redisText(scene.prefix);
      expect(stored).toContain(leaked);
      for (const secret of [callerId, callerSecret]) {
        expect(worker.logs()).not.toContain(secret);
        expect(scene.auditText()).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
      expect(worker.logs()).toMatch(/NoSuchEntity/);
    } finally {
      await scene.close();
    }
  }, 120_000);
});
