import { StandIn } from '../standin.js';

/** RDAP (RFC 9082/9083): a bootstrap server that redirects /ip/{ip} to the registry, which answers rdap+json. */
export function rdapStandIn(): StandIn {
  const s: StandIn = new StandIn([
    ['GET', '/ip/:ip', (_req, p) => ({ status: 302, headers: { location: `${s.base}/registry/ip/${p.ip}` } })],
    [
      'GET',
      '/registry/ip/:ip',
      (_req, p) => {
        if (p.ip !== '203.0.113.9')
          return { status: 404, body: { errorCode: 404, title: 'Not Found', description: ['No network holds that address.'] } };
        return {
          status: 200,
          headers: { 'content-type': 'application/rdap+json' },
          body: {
            objectClassName: 'ip network',
            rdapConformance: ['rdap_level_0', 'cidr0'],
            handle: 'NET-203-0-113-0-1',
            startAddress: '203.0.113.0',
            endAddress: '203.0.113.255',
            ipVersion: 'v4',
            name: 'TEST-NET-3',
            type: 'ASSIGNED',
            country: 'AU',
            cidr0_cidrs: [{ v4prefix: '203.0.113.0', length: 24 }],
          },
        };
      },
    ],
  ]);
  return s;
}
