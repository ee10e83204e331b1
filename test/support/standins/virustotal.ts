import { StandIn, type Seen } from '../standin.js';

/** VirusTotal API v3 objects by id: x-apikey; errors {"error": {code, message}} with the documented statuses. */
export const VT_KEY = 'vt-api-key';

const stats = (malicious: number) => ({ malicious, suspicious: 1, harmless: 60, undetected: 10, timeout: 0 });

export function virustotalStandIn(): StandIn {
  const lookup = (collection: string, known: Record<string, Record<string, unknown>>) => (req: Seen, p: Record<string, string>) => {
    if (!req.headers['x-apikey'])
      return { status: 401, body: { error: { code: 'AuthenticationRequiredError', message: 'X-Apikey header is missing' } } };
    if (req.headers['x-apikey'] !== VT_KEY)
      return { status: 401, body: { error: { code: 'WrongCredentialsError', message: 'Wrong API key' } } };
    const attrs = known[p.id ?? ''];
    if (!attrs) return { status: 404, body: { error: { code: 'NotFoundError', message: `${collection} "${p.id}" not found` } } };
    return { status: 200, body: { data: { id: p.id, type: collection, attributes: attrs } } };
  };
  return new StandIn(
    [
      [
        'GET',
        '/api/v3/ip_addresses/:id',
        lookup('ip_address', {
          '203.0.113.9': { last_analysis_stats: stats(7), reputation: -12, country: 'NL', as_owner: 'Example Hosting' },
        }),
      ],
      [
        'GET',
        '/api/v3/domains/:id',
        lookup('domain', {
          'evil.example': {
            last_analysis_stats: stats(9),
            reputation: -40,
            categories: { Forcepoint: 'malicious' },
            registrar: 'Example Registrar',
          },
        }),
      ],
      [
        'GET',
        '/api/v3/files/:id',
        lookup('file', {
          ['a'.repeat(64)]: {
            last_analysis_stats: stats(50),
            reputation: -90,
            meaningful_name: 'dropper.exe',
            type_description: 'Win32 EXE',
          },
        }),
      ],
    ],
    { status: 429, body: { error: { code: 'QuotaExceededError', message: 'Quota exceeded' } } },
  );
}
