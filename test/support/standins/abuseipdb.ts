import { StandIn } from '../standin.js';

/** AbuseIPDB API v2 GET /check: Key header; errors {"errors": [{detail, status, source}]}. */
export const ABUSE_KEY = 'abuseipdb-key';

export function abuseipdbStandIn(): StandIn {
  return new StandIn(
    [
      [
        'GET',
        '/api/v2/check',
        (req) => {
          if (req.headers.key !== ABUSE_KEY)
            return {
              status: 401,
              body: { errors: [{ detail: 'Authentication failed. Your API key is either missing, incorrect, or revoked.', status: 401 }] },
            };
          const ip = req.query.get('ipAddress') ?? '';
          if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) {
            return {
              status: 422,
              body: {
                errors: [
                  {
                    detail: 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).',
                    status: 422,
                    source: { parameter: 'ipAddress' },
                  },
                ],
              },
            };
          }
          return {
            status: 200,
            body: {
              data: {
                ipAddress: ip,
                isPublic: true,
                ipVersion: 4,
                isWhitelisted: false,
                abuseConfidenceScore: 100,
                countryCode: 'NL',
                usageType: 'Data Center/Web Hosting/Transit',
                isp: 'Example Hosting',
                domain: 'example.net',
                totalReports: 42,
                numDistinctUsers: 12,
                lastReportedAt: '2026-01-01T00:00:00+00:00',
                maxAgeInDays: req.query.get('maxAgeInDays'),
              },
            },
          };
        },
      ],
    ],
    { status: 429, body: { errors: [{ detail: 'Daily rate limit of 1000 requests exceeded for this endpoint.', status: 429 }] } },
  );
}
