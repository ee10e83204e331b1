import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../core/errors/index.js';
import { ACTIONS } from './registry.js';

interface Received {
  from: string;
  to: string[];
  subject: string | undefined;
  text: string | undefined;
  messageId: string | undefined;
  cc: string | undefined;
}

/** A real SMTP server (npm smtp-server) that keeps what it accepts; some recipients are refused. */
const inbox: Received[] = [];
const authTried: string[] = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      authTried.push(auth.username ?? '');
      cb(null, { user: auth.username });
    },
    onRcptTo(address, _session, cb) {
      const fail = (code: number, text: string) => cb(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('nobody@')) return fail(550, 'No such user');
      if (address.address.startsWith('busy@')) return fail(451, 'Try again later');
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then((m) => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: m.subject,
          text: m.text,
          messageId: m.messageId,
          cc: m.cc && !Array.isArray(m.cc) ? m.cc.text : undefined,
        });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const email = ACTIONS['email.send'];
const send = (args: Record<string, unknown>, idempotencyKey?: string) =>
  email.run(args, {
    signal: new AbortController().signal,
    network: { allow: ['127.0.0.1'] },
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });
const base = () => ({
  server: `smtp://127.0.0.1:${port}`,
  from: 'vigil@example.test',
  subject: 'Incident 42',
  text: 'Blocked 203.0.113.9',
});

async function failure(args: Record<string, unknown>): Promise<VigilError> {
  try {
    await send(args);
  } catch (err) {
    if (err instanceof VigilError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('email.send over real SMTP', () => {
  it('delivers one message to every recipient, with the idempotency key as Message-ID', async () => {
    const result = await send({ ...base(), to: ['soc@example.test', 'oncall@example.test'], cc: 'lead@example.test' }, 'run1:notify:1');
    expect(result).toEqual({
      message_id: '<run1_notify_1@vigil>',
      accepted: ['soc@example.test', 'oncall@example.test', 'lead@example.test'],
      rejected: [],
    });
    const got = inbox.at(-1);
    expect(got).toEqual({
      from: 'vigil@example.test',
      to: ['soc@example.test', 'oncall@example.test', 'lead@example.test'],
      subject: 'Incident 42',
      text: 'Blocked 203.0.113.9\n',
      messageId: '<run1_notify_1@vigil>',
      cc: 'lead@example.test',
    });
  });

  it('makes a permanent SMTP refusal (5xx) ACTION_REJECTED and a transient one (4xx) ACTION_FAILED', async () => {
    const permanent = await failure({ ...base(), to: 'nobody@example.test' });
    expect(permanent).toMatchObject({ code: 'ACTION_REJECTED', retriable: false });
    expect(permanent.message).toMatch(/SMTP 550/);
    const transient = await failure({ ...base(), to: 'busy@example.test' });
    expect(transient).toMatchObject({ code: 'ACTION_FAILED', retriable: true });
    expect(transient.message).toMatch(/SMTP 451/);
  });

  it('never sends credentials to a server that offers no TLS', async () => {
    const f = await failure({ ...base(), server: `smtp://alice:s3cret@127.0.0.1:${port}`, to: 'soc@example.test' });
    expect(f.code).toBe('ACTION_REJECTED');
    expect(f.message).not.toMatch(/s3cret/);
    expect(authTried).toEqual([]);
  });

  it('retries a server that cannot be reached', async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const f = await failure({ ...base(), server: `smtp://127.0.0.1:${gone}`, to: 'soc@example.test' });
    expect(f).toMatchObject({ code: 'ACTION_FAILED', retriable: true });
    expect(f.message).toMatch(/ECONNREFUSED/);
  });

  it.each([
    [{ server: 'http://mail.test' }, /smtp:\/\/ or smtps:\/\//],
    [{ server: 'not a url' }, /not a valid URL/],
    [{ to: [] }, /to must name at least one address/],
    [{ to: [3] }, /to must be a string or a list of strings/],
    [{ text: undefined }, /text or html is required/],
    [{ subject: '' }, /subject must be a non-empty string/],
    [{ timeout: 'soon' }, /timeout must be a duration/],
  ])('refuses bad args %j', async (bad, why) => {
    const f = await failure({ ...base(), to: 'soc@example.test', ...bad });
    expect(f.code).toBe('ACTION_REJECTED');
    expect(f.message).toMatch(why);
  });
});
