import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDocument } from '../../playbooks/index.js';
import { exitOf } from '../support/child.js';
import { SERVICES } from '../support/config.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { HIGH, dropPrefix, incident, playbookDir } from '../support/playbooks.js';
import { redisText } from '../support/redis-dump.js';
import { waitFor } from '../support/wait.js';

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
    const prefix = `t-pb-iam-${randomBytes(4).toString('hex')}`;
    const dir = await playbookDir({
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
    const work = await mkdtemp(join(tmpdir(), 'vigil-pb-iam-'));
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
          VIGIL_TEST_SECRETS: JSON.stringify({ AWS_ID: callerId, AWS_SECRET: callerSecret }),
          VIGIL_TEST_AUDIT: auditFile,
          VIGIL_TEST_INCIDENT: JSON.stringify(incident('inc-aws', { cloud: { access_key_id: leaked } })),
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
      const end = await waitFor('the run to end', async () => audit().find((d) => d.event.action === 'playbook.run.ended'), 60_000, 50);
      expect(end.vigil.playbook.status).toBe('succeeded');

      const of = (action: string, step: string) => audit().filter((d) => d.event.action === action && d.vigil.playbook.step === step);
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

      const stored = await redisText(prefix);
      expect(stored).toContain(leaked);
      for (const secret of [callerId, callerSecret]) {
        expect(logs).not.toContain(secret);
        expect(readFileSync(auditFile, 'utf8')).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
      expect(logs).toMatch(/NoSuchEntity/);
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
  }, 120_000);
});
