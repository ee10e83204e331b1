/**
 * A stand-in SOC webhook for playbook runs: records every call (method, path, JSON body) and
 * answers 200 after `delayMs`, so that runs are in flight long enough to be hit by a fault.
 */
import { listenLocal } from './local-http.js';

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
  const http = await listenLocal((req, res, raw) => {
    const text = raw.toString('utf8');
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
  return { url: http.base, calls, close: () => http.close() };
}
