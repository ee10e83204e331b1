/**
 * A stand-in SOC webhook for playbook runs: records every call (method, path, JSON body) and
 * answers 200 after `delayMs`, so that runs are in flight long enough to be hit by a fault.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookCall {
  at: number;
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

export interface Webhook {
  url: string;
  calls: WebhookCall[];
  close(): Promise<void>;
}

export async function startWebhook(delayMs: number): Promise<Webhook> {
  const calls: WebhookCall[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | undefined;
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      setTimeout(() => {
        calls.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
