import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { VigilError } from '../../core/errors/index.js';
import { abortedBy, argChecker, describeError } from './args.js';
import { checkedAddresses } from './net/guard.js';
import type { ActionContext, ActionSpec } from './types.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const check = argChecker('email.send');

/** The result of `email.send`: what the server accepted. */
export interface EmailResult {
  message_id: string;
  accepted: string[];
  rejected: string[];
}

interface EmailArgs {
  transport: SMTPTransport.Options;
  message: {
    from: string;
    to: string[];
    cc?: string[];
    subject: string;
    text?: string;
    html?: string;
    messageId?: string;
  };
}

/**
 * `email.send`: one message over SMTP. `server` is an `smtp://` (STARTTLS when offered, required
 * when credentials are given) or `smtps://` (implicit TLS) URL with optional `user:password@`,
 * usually `${{ secrets.SMTP_URL }}`. Certificates are always verified. The idempotency key
 * becomes the Message-ID, which mail stores use to drop duplicates. The server's host must be
 * public or allowed by the step's network policy (ACTION_ADDRESS_REFUSED). SMTP 4xx, network
 * errors and timeouts are ACTION_FAILED; 5xx and authentication failures are ACTION_REJECTED.
 */
export const emailSend: ActionSpec = {
  description: 'Sends an email over SMTP and returns {message_id, accepted, rejected}',
  args: { required: ['server', 'from', 'to', 'subject'], optional: ['cc', 'text', 'html', 'timeout'] },
  inputs: {
    server: { type: 'url', required: true, secret: true, description: 'smtp://user:pass@host:587 or smtps://…:465' },
    from: { type: 'string', required: true, description: 'sender address' },
    to: { type: 'array', required: true, description: 'an address or a list of them' },
    subject: { type: 'string', required: true },
    cc: { type: 'array', required: false },
    text: { type: 'string', required: false, description: 'plain-text body' },
    html: { type: 'string', required: false, description: 'HTML body' },
    timeout: { type: 'string', required: false, description: 'default 30s' },
  },
  idempotent: false,
  run: async (args, ctx) => send(checkArgs(args, ctx), ctx),
};

function checkArgs(args: Readonly<Record<string, unknown>>, ctx: ActionContext): EmailArgs {
  const server = check.string(args, 'server');
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return check.reject('server is not a valid URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') check.reject('server must be an smtp:// or smtps:// URL');
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const timeoutMs = check.timeoutMs(args, DEFAULT_TIMEOUT_MS);
  const text = check.optionalString(args, 'text');
  const html = check.optionalString(args, 'html');
  if (text === undefined && html === undefined) check.reject('text or html is required');
  const transport: SMTPTransport.Options = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // Credentials never travel in clear: without TLS the server's STARTTLS is required.
    requireTLS: !secure && user !== '',
    ...(user ? { auth: { user, pass } } : {}),
    tls: { rejectUnauthorized: true },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
  return {
    transport,
    message: {
      from: check.string(args, 'from'),
      to: recipients(check.list(args, 'to')),
      ...(args.cc === undefined ? {} : { cc: check.list(args, 'cc') }),
      subject: check.string(args, 'subject'),
      ...(text === undefined ? {} : { text }),
      ...(html === undefined ? {} : { html }),
      ...(ctx.idempotencyKey ? { messageId: `<${ctx.idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_')}@vigil>` } : {}),
    },
  };
}

function recipients(to: string[] | undefined): string[] {
  return to && to.length > 0 ? to : check.reject('to must name at least one address');
}

async function send(a: EmailArgs, ctx: ActionContext): Promise<EmailResult> {
  const host = a.transport.host as string;
  // The SMTP server is held to the playbook's network policy: resolved once, every address
  // checked, and the connection made to a checked address (playbooks/README.md, "Network").
  const addresses = await Promise.race([checkedAddresses(host, ctx.network), abortedBy(ctx.signal, 'email.send')]);
  // The name stays the TLS server name (SNI and certificate verification), as for http.request.
  const servername = isIP(host) === 0 ? { servername: host } : {};
  for (let i = 0; ; i++) {
    const { address } = addresses[i] as LookupAddress;
    try {
      return await sendTo({ ...a.transport, host: address, ...servername }, a.message, ctx);
    } catch (err) {
      // A connection that never opened sent nothing: the next address is tried (a dual-stack host whose IPv6 route is down).
      if (i + 1 < addresses.length && notConnected(err)) continue;
      if (err instanceof VigilError) throw err;
      throw classify(err);
    }
  }
}

async function sendTo(transport: SMTPTransport.Options, message: EmailArgs['message'], ctx: ActionContext): Promise<EmailResult> {
  const transporter = createTransport(transport);
  try {
    const info = await Promise.race([transporter.sendMail(message), abortedBy(ctx.signal, 'email.send')]);
    const addr = (list: unknown[]) => list.map((x) => (typeof x === 'string' ? x : (x as { address: string }).address));
    return { message_id: info.messageId, accepted: addr(info.accepted), rejected: addr(info.rejected) };
  } finally {
    transporter.close();
  }
}

/** nodemailer's failure to open the connection at all (refused, unreachable, timed out before the greeting). */
function notConnected(err: unknown): boolean {
  const e = err as { command?: unknown; code?: unknown; responseCode?: unknown };
  return (
    e.command === 'CONN' && e.responseCode === undefined && (e.code === 'ESOCKET' || e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT')
  );
}

/** SMTP reply classes (RFC 5321 §4.2.1): 4yz is transient, 5yz permanent. */
function classify(err: unknown): VigilError {
  const e = err as { responseCode?: number; code?: string };
  const why = describeError(err);
  if (typeof e.responseCode === 'number') {
    const transient = e.responseCode >= 400 && e.responseCode < 500;
    return new VigilError(transient ? 'ACTION_FAILED' : 'ACTION_REJECTED', `email.send: SMTP ${e.responseCode}: ${why}`, { cause: err });
  }
  // Wrong credentials, or a server that cannot do what the URL asks (TLS), will not change on a retry.
  const permanent = e.code === 'EAUTH' || e.code === 'ETLS' || e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
  return new VigilError(permanent ? 'ACTION_REJECTED' : 'ACTION_FAILED', `email.send: ${why}`, { cause: err });
}
