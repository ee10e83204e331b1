import type { Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { Gauge } from 'prom-client';
import { registry } from '../../core/telemetry/index.js';

/**
 * UDP loss the application cannot see: datagrams the kernel dropped because a socket's receive
 * buffer (SO_RCVBUF) was full, before Node ever read them. Read from Linux procfs on each
 * `/metrics` scrape: `/proc/net/snmp` (the `Udp:` counters of the network namespace) and
 * `/proc/net/udp{,6}` (one line per socket, with its own `drops`). Elsewhere (no procfs) the
 * metrics are simply absent.
 */

/** The `Udp:` counters of `/proc/net/snmp`, by name (`InErrors`, `RcvbufErrors`, …). */
export type UdpSnmpCounters = Record<string, number>;

/** Parses the `Udp:` header and value lines of `/proc/net/snmp`; empty when there are none. */
export function parseSnmpUdp(text: string): UdpSnmpCounters {
  const lines = text.split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.slice('Udp:'.length).trim().split(/\s+/));
  const out: UdpSnmpCounters = {};
  if (!names || !values) return out;
  names.forEach((name, i) => {
    const v = Number(values[i]);
    if (name && Number.isFinite(v)) out[name] = v;
  });
  return out;
}

/** One socket of `/proc/net/udp` or `/proc/net/udp6`. */
export interface UdpSocketStat {
  /** The local address, as Node prints it (`127.0.0.1`, `::1`, `0.0.0.0`, `::`). */
  address: string;
  port: number;
  /** Bytes waiting in the receive queue. */
  rxQueue: number;
  inode: number;
  /** Datagrams the kernel dropped for this socket since it was opened. */
  drops: number;
}

/**
 * Parses `/proc/net/udp` or `/proc/net/udp6`. Addresses are hex in host byte order per 32-bit
 * word (`0100007F:CD3A` is 127.0.0.1:52538 on a little-endian machine); lines that do not parse
 * are skipped.
 */
export function parseProcNetUdp(text: string, littleEndian = endianness() === 'LE'): UdpSocketStat[] {
  const out: UdpSocketStat[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
    if (f.length < 13) continue;
    const [addrHex, portHex] = (f[1] ?? '').split(':');
    const address = addrHex ? decodeAddress(addrHex, littleEndian) : undefined;
    const port = parseInt(portHex ?? '', 16);
    const rxQueue = parseInt(f[4]?.split(':')[1] ?? '', 16);
    const inode = Number(f[9]);
    const drops = Number(f[12]);
    if (address === undefined || ![port, rxQueue, inode, drops].every(Number.isFinite)) continue;
    out.push({ address, port, rxQueue, inode, drops });
  }
  return out;
}

function decodeAddress(hex: string, littleEndian: boolean): string | undefined {
  if (hex.length !== 8 && hex.length !== 32) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length * 2 !== hex.length) return undefined;
  if (littleEndian) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return compressIpv6(groups);
}

/** RFC 5952 text form: the longest run of two or more zero groups becomes `::`. */
function compressIpv6(groups: string[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

const PROC = { snmp: '/proc/net/snmp', udp: '/proc/net/udp', udp6: '/proc/net/udp6' } as const;

interface Watched {
  family: 'udp4' | 'udp6';
  address: string;
  port: number;
}

const watched = new Map<string, Watched>();

const readOrUndefined = (path: string): Promise<string | undefined> => readFile(path, 'utf8').catch(() => undefined);

async function snmp(): Promise<UdpSnmpCounters> {
  const text = await readOrUndefined(PROC.snmp);
  return text === undefined ? {} : parseSnmpUdp(text);
}

new Gauge({
  name: 'vigil_udp_kernel_in_errors',
  help: 'UDP datagrams the kernel could not deliver (Udp InErrors of /proc/net/snmp, all sockets of the host or network namespace; cumulative)',
  registers: [registry],
  async collect() {
    const v = (await snmp()).InErrors;
    if (v !== undefined) this.set(v);
  },
});

new Gauge({
  name: 'vigil_udp_kernel_rcvbuf_errors',
  help: 'UDP datagrams the kernel dropped because a receive buffer was full (Udp RcvbufErrors of /proc/net/snmp, all sockets of the host or network namespace; cumulative)',
  registers: [registry],
  async collect() {
    const v = (await snmp()).RcvbufErrors;
    if (v !== undefined) this.set(v);
  },
});

const socketDrops = new Gauge({
  name: 'vigil_udp_socket_drops',
  help: "Datagrams the kernel dropped for a UDP input's socket, full receive buffer mostly (drops of /proc/net/udp; cumulative since the socket opened)",
  labelNames: ['input'] as const,
  registers: [registry],
  async collect() {
    await collectSockets();
  },
});

const socketQueue = new Gauge({
  name: 'vigil_udp_socket_receive_queue_bytes',
  help: "Bytes waiting in a UDP input's socket receive buffer (rx_queue of /proc/net/udp)",
  labelNames: ['input'] as const,
  registers: [registry],
  async collect() {
    await collectSockets();
  },
});

async function collectSockets(): Promise<void> {
  if (watched.size === 0) return;
  const [v4, v6] = await Promise.all([readOrUndefined(PROC.udp), readOrUndefined(PROC.udp6)]);
  const table = { udp4: v4 === undefined ? [] : parseProcNetUdp(v4), udp6: v6 === undefined ? [] : parseProcNetUdp(v6) };
  for (const [input, w] of watched) {
    const found = table[w.family].find((s) => s.port === w.port && s.address === w.address);
    if (!found) continue;
    socketDrops.set({ input }, found.drops);
    socketQueue.set({ input }, found.rxQueue);
  }
}

/**
 * Exports the kernel's drop count and receive queue of a bound UDP socket as
 * `vigil_udp_socket_drops{input}` and `vigil_udp_socket_receive_queue_bytes{input}`. The socket
 * is found by its local address and port (a port is bound once: no SO_REUSEPORT here). Returns
 * the function that stops it (call it when the socket closes).
 */
export function watchUdpSocket(input: string, socket: Socket): () => void {
  const a = socket.address();
  watched.set(input, { family: a.family === 'IPv6' ? 'udp6' : 'udp4', address: a.address, port: a.port });
  return () => {
    watched.delete(input);
    socketDrops.remove({ input });
    socketQueue.remove({ input });
  };
}
