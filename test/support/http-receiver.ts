/**
 * A generic HTTP receiver for the http sink's tests: it records every request (headers and the
 * body, gunzipped) and answers from a script, one answer per request, then 200 once the script
 * is used up. Listens on a free loopback port.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { listenLocal } from './local-http.js';

export interface ReceivedRequest {
  at: number;
  method: string;
  headers: IncomingHttpHeaders;
  /** The body as sent, gunzipped when it was gzip. */
  body: string;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Hang up without answering. */
  destroy?: boolean;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Queues answers for the next requests. */
  answer(...answers: Answer[]): void;
  /** Decides the answer from the request, instead of the queue. */
  answerWith(fn: ((r: ReceivedRequest) => Answer | undefined) | undefined): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: Answer[] = [];
  let decide: ((r: ReceivedRequest) => Answer | undefined) | undefined;
  const http = await listenLocal((req, res, raw) => {
    const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const r: ReceivedRequest = { at: Date.now(), method: req.method ?? '', headers: req.headers, body };
    requests.push(r);
    const a = decide?.(r) ?? queue.shift() ?? { status: 200, body: '{"ok":true}' };
    if (a.destroy) return void req.socket.destroy();
    res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
    res.end(a.body ?? '');
  });
  return {
    url: `${http.base}/ingest`,
    requests,
    answer: (...a) => void queue.push(...a),
    answerWith: (fn) => void (decide = fn),
    close: () => http.close(),
  };
}
