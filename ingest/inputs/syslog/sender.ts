import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/**
 * A small syslog client for the demo, the benchmarks and the tests: one datagram per message
 * over UDP (RFC 5426), or a TCP stream with LF or octet-counted framing (RFC 6587).
 */
export async function sendUdp(host: string, port: number, messages: readonly string[]): Promise<void> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (const m of messages) {
      await new Promise<void>((resolve, reject) =>
        socket.send(Buffer.from(m, 'utf8'), port, host, (err) => (err ? reject(err) : resolve())),
      );
    }
  } finally {
    socket.close();
  }
}

export type TcpFraming = 'lf' | 'octet-counting';

export function frame(message: string, framing: TcpFraming): Buffer {
  const body = Buffer.from(message, 'utf8');
  return framing === 'lf' ? Buffer.concat([body, Buffer.from('\n')]) : Buffer.concat([Buffer.from(`${body.length} `), body]);
}

/** An open TCP syslog connection; `write` honours the socket's backpressure. */
export interface TcpSyslogClient {
  write(message: string): Promise<void>;
  end(): Promise<void>;
}

export async function openTcp(host: string, port: number, framing: TcpFraming = 'lf'): Promise<TcpSyslogClient> {
  const socket = connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let failure: Error | null = null;
  socket.on('error', (err) => {
    failure = err;
  });
  return {
    write(message) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const ok = socket.write(frame(message, framing), (err) => (err ? reject(err) : undefined));
        if (ok) resolve();
        else socket.once('drain', resolve);
      });
    },
    end() {
      return new Promise((resolve) => socket.end(resolve));
    },
  };
}

export async function sendTcp(host: string, port: number, messages: readonly string[], framing: TcpFraming = 'lf'): Promise<void> {
  const client = await openTcp(host, port, framing);
  for (const m of messages) await client.write(m);
  await client.end();
}
