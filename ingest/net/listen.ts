import type { Server } from 'node:net';

/**
 * Binds `server` to `host:port` and resolves with the port it got (the one asked for, or the
 * one the system chose for port 0); rejects with the bind error (EADDRINUSE, EACCES) instead
 * of leaving it to the server's 'error' listeners.
 */
export async function listenOn(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
