import { request, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Sends `req` on to `upstream` as it comes and the upstream's answer back to `res` (502 when the
 * upstream cannot be reached): the passing-through half of a proxy. `hold` is handed the sending
 * of the answer, to delay or count it.
 */
export function forward(upstream: URL, req: IncomingMessage, res: ServerResponse, hold = (pass: () => void) => pass()): void {
  const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) =>
    hold(() => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    }),
  );
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(up);
}
