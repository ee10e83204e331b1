import { describe, expect, it } from 'vitest';
import { communityId } from './community-id.js';

/** The Community ID spec's own test vectors (the values Elasticsearch's `community_id` processor is tested with). */
describe('communityId', () => {
  it.each([
    ['tcp', '66.35.250.204', '128.232.110.120', 80, 34855, '1:LQU9qZlK+B5F3KDmev6m5PMibrg='],
    ['tcp', '128.232.110.120', '66.35.250.204', 34855, 80, '1:LQU9qZlK+B5F3KDmev6m5PMibrg='],
    ['udp', '8.8.8.8', '192.168.1.52', 53, 54585, '1:d/FP5EW3wiY1vCndhwleRRKHowQ='],
    ['sctp', '192.168.170.8', '192.168.170.56', 7, 7, '1:MP2EtRCAUIZvTw6MxJHLV7N7JDs='],
    ['icmp', '192.168.0.89', '192.168.0.1', 8, 0, '1:X0snYXpgwiv9TZtqg64sgzUn6Dk='],
    ['ipv6-icmp', 'fe80::260:97ff:fe07:69ea', 'ff02::1', 134, 0, '1:pkvHqCL88/tg1k4cPigmZXUtL00='],
    // Zeek writes `icmp` for ICMPv6 too.
    ['icmp', 'fe80::260:97ff:fe07:69ea', 'ff02::1', 134, 0, '1:pkvHqCL88/tg1k4cPigmZXUtL00='],
  ] as const)('%s %s:%s → %s:%s', (transport, src, dst, sport, dport, want) => {
    expect(communityId(transport, src, dst, sport, dport)).toBe(want);
  });

  it('is the same value for both directions of a flow', () => {
    const a = communityId('tcp', '2001:db8::1', '2001:db8::2', 50000, 443);
    expect(a).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
    expect(communityId('tcp', '2001:db8::2', '2001:db8::1', 443, 50000)).toBe(a);
  });

  it.each([
    ['no transport', undefined, '10.0.0.1', '10.0.0.2', 1, 2],
    ['a host name for an address', 'tcp', 'example.com', '10.0.0.2', 1, 2],
    ['mixed address families', 'tcp', '10.0.0.1', '2001:db8::2', 1, 2],
    ['a port-based protocol without ports', 'udp', '10.0.0.1', '10.0.0.2', undefined, 53],
    ['an unknown protocol name', 'quic', '10.0.0.1', '10.0.0.2', 1, 2],
  ] as const)('is undefined for %s', (_name, transport, src, dst, sport, dport) => {
    expect(communityId(transport, src, dst, sport, dport)).toBeUndefined();
  });
});
