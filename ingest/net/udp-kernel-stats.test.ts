import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../core/telemetry/index.js';
import { metricValue, udpBurstWhileBlocked } from '../../test/support/udp-burst.js';
import { parseProcNetUdp, parseSnmpUdp, watchUdpSocket } from './udp-kernel-stats.js';

/** Read from this (little-endian, Linux) machine right after 200 datagrams hit a socket with an 8 KiB buffer. */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseSnmpUdp', () => {
  it('reads the Udp counters of /proc/net/snmp by name, not the UdpLite ones', () => {
    expect(parseSnmpUdp(fixture('proc-net-snmp.txt'))).toEqual({
      InDatagrams: 79,
      NoPorts: 0,
      InErrors: 197,
      OutDatagrams: 280,
      RcvbufErrors: 197,
      SndbufErrors: 0,
      InCsumErrors: 0,
      IgnoredMulti: 0,
      MemErrors: 0,
    });
  });

  it('gives nothing for text without Udp lines', () => {
    expect(parseSnmpUdp('Ip: Forwarding\nIp: 1\n')).toEqual({});
    expect(parseSnmpUdp('')).toEqual({});
  });
});

describe('parseProcNetUdp', () => {
  it('reads address, port, receive queue, inode and drops of each IPv4 socket', () => {
    expect(parseProcNetUdp(fixture('proc-net-udp.txt'), true)).toEqual([
      { address: '127.0.0.1', port: 52538, rxQueue: 0x1b00, inode: 43552, drops: 197 },
    ]);
  });

  it('reads IPv6 sockets', () => {
    expect(parseProcNetUdp(fixture('proc-net-udp6.txt'), true)).toEqual([
      { address: '::1', port: 41338, rxQueue: 0, inode: 43553, drops: 0 },
    ]);
  });

  it('decodes addresses in the byte order of the host that wrote them', () => {
    const line = (addr: string) =>
      `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n 1: ${addr}:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 7 2 0000000000000000 3\n`;
    expect(parseProcNetUdp(line('7F000001'), false)[0]?.address).toBe('127.0.0.1');
    expect(parseProcNetUdp(line('00000000'), true)[0]).toEqual({ address: '0.0.0.0', port: 514, rxQueue: 0, inode: 7, drops: 3 });
    expect(parseProcNetUdp(line('00000000000000000000000000000000'), true)[0]?.address).toBe('::');
    expect(parseProcNetUdp(line('B80D0120000000000000000001000000'), true)[0]?.address).toBe('2001:db8::1');
  });

  it('skips lines that do not parse', () => {
    expect(
      parseProcNetUdp(
        'header\n\n 1: nothex:zz 0 07\n 2: 0100007F:0202 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 x 2 0 y\n',
      ),
    ).toEqual([]);
  });
});

describe.skipIf(!existsSync('/proc/net/udp'))('UDP kernel drops on /metrics (Linux)', () => {
  const sockets: Socket[] = [];
  const stops: Array<() => void> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop();
    await Promise.all(sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('exports the drops of a watched socket whose receive buffer overflowed, and the host RcvbufErrors', async () => {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4096 });
    sockets.push(socket);
    socket.on('message', () => undefined);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    stops.push(watchUdpSocket('kernel-drops-test', socket));
    const drops = () => metricValue(registry.getSingleMetric('vigil_udp_socket_drops'), { input: 'kernel-drops-test' });
    const rcvbuf = () => metricValue(registry.getSingleMetric('vigil_udp_kernel_rcvbuf_errors'));

    expect(await drops()).toBe(0);
    const before = (await rcvbuf()) ?? NaN;
    expect(before).toBeGreaterThanOrEqual(0);

    udpBurstWhileBlocked(socket.address().port, 200);
    const dropped = (await drops()) ?? 0;
    expect(dropped).toBeGreaterThan(100);
    expect(await rcvbuf()).toBeGreaterThanOrEqual(before + dropped);
    expect(await registry.metrics()).toContain('vigil_udp_socket_drops{input="kernel-drops-test"}');
  });

  it('stops exporting a socket once unwatched', async () => {
    const socket = createSocket({ type: 'udp4' });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const stop = watchUdpSocket('kernel-unwatched-test', socket);
    expect(await metricValue(registry.getSingleMetric('vigil_udp_socket_drops'), { input: 'kernel-unwatched-test' })).toBe(0);
    stop();
    expect(await metricValue(registry.getSingleMetric('vigil_udp_socket_drops'), { input: 'kernel-unwatched-test' })).toBeUndefined();
  });
});
