import { StandIn } from '../standin.js';

/** GreyNoise Community API GET /v3/community/{ip}: 200 when seen, 404 with noise:false when not, 400 on a bad IP. */
export function greynoiseStandIn(): StandIn {
  return new StandIn(
    [
      [
        'GET',
        '/v3/community/:ip',
        (_req, p) => {
          const ip = p.ip ?? '';
          if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return { status: 400, body: { message: 'Request is not a valid routable IPv4 address' } };
          if (ip === '203.0.113.9') {
            return {
              status: 200,
              body: {
                ip,
                noise: true,
                riot: false,
                classification: 'malicious',
                name: 'unknown',
                link: `https://viz.greynoise.io/ip/${ip}`,
                last_seen: '2026-01-01',
                message: 'Success',
              },
            };
          }
          return {
            status: 404,
            body: { ip, noise: false, riot: false, message: 'IP not observed scanning the internet or contained in RIOT data set.' },
          };
        },
      ],
    ],
    {
      status: 429,
      body: {
        plan: 'unauthenticated',
        'rate-limit': '100-lookups/week',
        message: 'You have hit your daily rate limit of 100 requests per week.',
      },
    },
  );
}
