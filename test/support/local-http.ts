import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHttp {
  server: Server;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** Drops open connections (a held request too), then stops listening. */
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port that hands `handle` each request with its whole body. */
export function listenLocal(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<LocalHttp> {
  return listenLocalStreaming((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
}

/** As `listenLocal`, for a handler that reads the body itself (a proxy pipes it on as it comes). */
export async function listenLocalStreaming(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalHttp> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A stand-in's server: `start()` listens on a free loopback port and hands `answer` each request with its body. */
export abstract class LocalHttpServer {
  base = '';
  private http: LocalHttp | undefined;

  async start(): Promise<this> {
    this.http = await listenLocal((req, res, body) => this.answer(req, res, body));
    this.base = this.http.base;
    return this;
  }

  async stop(): Promise<void> {
    await this.http?.close();
  }

  protected abstract answer(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
}
