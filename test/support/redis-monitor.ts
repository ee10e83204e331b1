import { connect, type Socket } from 'node:net';

/**
 * Redis MONITOR over a plain socket: every command the server runs, as its arguments, in the
 * order it ran them. ioredis's own `monitor()` loses a race under load: it switches to monitor
 * mode one microtask after MONITOR's `+OK`, so a command line arriving in the same read as the
 * `+OK` is taken as a reply to nothing ("Command queue state error").
 */
export interface RedisMonitor {
  close(): void;
}

/** `onCommand` gets each command's arguments and the client that sent it (`127.0.0.1:5000`). */
export async function monitorRedis(url: string, onCommand: (args: string[], client: string) => void): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port || 6379), hostname || '127.0.0.1');
  socket.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffered = '';
  let ready!: () => void;
  const ok = new Promise<void>((resolve) => (ready = resolve));
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (line === '+OK') ready();
      else if (line.startsWith('+')) onCommand(commandArgs(line), clientOf(line));
    }
  });
  socket.write('MONITOR\r\n');
  await ok;
  return { close: () => socket.destroy() };
}

/** `+1700000000.123456 [0 127.0.0.1:5000] "hset" …` → `127.0.0.1:5000`. */
function clientOf(line: string): string {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  return open < 0 || close < 0 ? '' : (line.slice(open + 1, close).split(' ')[1] ?? '');
}

/** `+1700000000.123456 [0 127.0.0.1:5000] "hset" "key" "field"` → `['hset', 'key', 'field']`. */
function commandArgs(line: string): string[] {
  const args: string[] = [];
  let i = line.indexOf('"');
  while (i >= 0 && i < line.length) {
    let arg = '';
    let j = i + 1;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\' && j + 1 < line.length) arg += line[++j];
      else arg += line[j];
    }
    args.push(arg);
    i = line.indexOf('"', j + 1);
  }
  return args;
}
