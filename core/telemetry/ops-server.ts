import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventLoopWatch, type HealthReport } from './health.js';
import { registry } from './metrics.js';

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

export interface OpsProbes {
  /** Readiness: the dependencies the running stages use answer, and their consumers run. */
  ready: () => Promise<HealthReport> | HealthReport;
  /** Liveness. Default: the process answers and its event loop was not blocked for 5 s. */
  live?: () => Promise<HealthReport> | HealthReport;
}

/**
 * Serves on the ops port:
 * - `/metrics`: Prometheus text;
 * - `/health/live`: 200 while the process answers and its event loop is not stuck (restart it otherwise);
 * - `/health/ready`: 200 when every readiness check passes, else 503; the JSON body names each
 *   check, whether it passed and why not;
 * - `/health`: the same as `/health/ready`.
 */
export async function startOpsServer(host: string, port: number, probes: OpsProbes): Promise<OpsServer> {
  const loop = probes.live ? null : new EventLoopWatch();
  const live =
    probes.live ??
    (() => {
      const r = (loop as EventLoopWatch).check();
      return { ok: r.ok, checks: { eventLoop: { ...r, ms: 0 } } };
    });
  const answer = (res: ServerResponse, probe: () => Promise<HealthReport> | HealthReport) => {
    Promise.resolve()
      .then(probe)
      .then((h) => {
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: h.ok ? 'ok' : 'failing', ...h }));
      })
      .catch((err: unknown) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'failing', ok: false, error: String(err) }));
      });
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
      return;
    }
    if (path === '/health' || path === '/health/ready') return answer(res, probes.ready);
    if (path === '/health/live') return answer(res, live);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        loop?.stop();
        server.close(() => resolve());
      }),
  };
}
