/**
 * A real TLS reverse proxy (Debian's nginx, installed by scripts/ensure-tls-proxy.sh) in front of
 * a plain-HTTP upstream: the local Elasticsearch has no security plugin, so the proxy terminates
 * TLS and checks the `Authorization: ApiKey …` header the way a secured cluster would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, exitOf, freePort } from './child.js';
import { waitFor } from './wait.js';

export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find((p) => existsSync(p));

export interface TlsProxy {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  stop(): Promise<void>;
}

export interface TlsProxyOptions {
  /** Where nginx keeps its config, logs and temp files. */
  dir: string;
  /** `http://host:port` of the upstream. */
  upstream: string;
  /** PEM: the server certificate followed by its CA (a secured Elasticsearch sends both). */
  certChainFile: string;
  keyFile: string;
  /** Requests without exactly `Authorization: ApiKey <apiKey>` get 401. */
  apiKey: string;
}

export async function startTlsProxy(opts: TlsProxyOptions): Promise<TlsProxy> {
  if (!NGINX) throw new Error('nginx is not installed: run scripts/ensure-tls-proxy.sh');
  const port = await freePort();
  const d = (f: string) => join(opts.dir, f);
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(d(t), { recursive: true });
  writeFileSync(
    d('nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${d('nginx.pid')};
error_log ${d('error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${d('body')};
  proxy_temp_path ${d('proxy')};
  fastcgi_temp_path ${d('fastcgi')};
  uwsgi_temp_path ${d('uwsgi')};
  scgi_temp_path ${d('scgi')};
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${opts.certChainFile};
    ssl_certificate_key ${opts.keyFile};
    location / {
      if ($http_authorization != "ApiKey ${opts.apiKey}") { return 401; }
      proxy_set_header Authorization "";
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass ${opts.upstream};
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', opts.dir, '-c', d('nginx.conf'), '-e', d('error.log')], { stdio: 'ignore' });
  await waitFor(`nginx on ${port} (log: ${d('error.log')})`, async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    return canConnect(port);
  });
  return {
    url: `https://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exitOf(child);
      }
    },
  };
}
