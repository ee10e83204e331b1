import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runIdOf } from '../../playbooks/index.js';
import { HIGH, find, harness, incident, runEnded, type Harness } from '../support/playbooks.js';

/**
 * email.send from playbook runs (real Redis, BullMQ worker) to a real SMTP server (npm
 * smtp-server) on loopback, named `localhost`: the SMTP host is held to the same address policy
 * as http.request. No allow: refused before any connection is made. The step's allow_hosts
 * naming it: delivered.
 */
let server: SMTPServer;
let port: number;
let connections = 0;
const inbox: string[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, cb) {
      connections++;
      cb();
    },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        inbox.push(...session.envelope.rcptTo.map((r) => r.address));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

const playbook = (id: string, allowHosts?: string) =>
  [
    `id: ${id}`,
    'secrets: [SMTP_URL]',
    HIGH,
    'steps:',
    '  - ref: mail',
    '    action: email.send',
    `    args: { server: "\${{ secrets.SMTP_URL }}", from: vigil@example.test, to: ${id}@example.test, subject: "Incident", text: "hi" }`,
    ...(allowHosts ? [`    allow_hosts: [${allowHosts}]`] : []),
  ].join('\n');

describe('email.send and the address policy', () => {
  it('refuses an SMTP host that resolves to loopback when nothing allows it, and connects nowhere', async () => {
    const h = await harness({
      allow: [],
      playbooks: { 'p.yml': playbook('mail-refused') },
      secrets: () => ({ SMTP_URL: `smtp://localhost:${port}` }),
    });
    open.push(h);
    const before = connections;
    await h.responder.dispatch(incident('inc-mail-refused'));
    const run = runIdOf('mail-refused', 'inc-mail-refused');
    expect((await runEnded(h, run)).event.outcome).toBe('failure');
    const [failed] = find(h.audit, 'playbook.step.failed', { run, step: 'mail' });
    expect(failed?.error?.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(failed?.error?.message).toMatch(/localhost \(resolved to 127\.0\.0\.1\).*loopback.*allow_hosts/);
    expect(connections).toBe(before);
    expect(inbox).not.toContain('mail-refused@example.test');
  });

  it('delivers when the step allows the host by name', async () => {
    const h = await harness({
      allow: [],
      playbooks: { 'p.yml': playbook('mail-allowed', 'localhost') },
      secrets: () => ({ SMTP_URL: `smtp://localhost:${port}` }),
    });
    open.push(h);
    await h.responder.dispatch(incident('inc-mail-allowed'));
    const run = runIdOf('mail-allowed', 'inc-mail-allowed');
    expect((await runEnded(h, run)).event.outcome).toBe('success');
    const [done] = find(h.audit, 'playbook.step.succeeded', { run, step: 'mail' });
    expect(done?.vigil.playbook.result).toMatchObject({ accepted: ['mail-allowed@example.test'], rejected: [] });
    expect(inbox).toContain('mail-allowed@example.test');
  });
});
