import { listenLocal } from './local-http.js';

/**
 * A local OAuth 2.0 token endpoint for the client_credentials grant (RFC 6749 §4.4), client
 * authentication by HTTP Basic (§2.3.1). It issues unsecured JWS tokens (`alg: none`, RFC 7515
 * §A.5), which is what Kafka's default OAUTHBEARER validator accepts: `sub` is the client id and
 * becomes the Kafka principal. Errors follow §5.2 (`invalid_client` with 401).
 */
export interface FakeOAuth {
  tokenEndpoint: string;
  /** Tokens issued, per client id. */
  issued: Map<string, number>;
  close(): Promise<void>;
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export async function startFakeOAuth(clients: Record<string, string>, lifetimeSeconds = 3600): Promise<FakeOAuth> {
  const issued = new Map<string, number>();
  const http = await listenLocal((req, res, body) => {
    const json = (status: number, o: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(o));
    };
    const params = new URLSearchParams(body.toString('utf8'));
    if (req.method !== 'POST' || params.get('grant_type') !== 'client_credentials') {
      return json(400, { error: 'unsupported_grant_type' });
    }
    const [, basic = ''] = /^Basic (.+)$/.exec(req.headers.authorization ?? '') ?? [];
    const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
    if (clients[id] === undefined || clients[id] !== secret) {
      res.setHeader('www-authenticate', 'Basic realm="fake-oauth"');
      return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const iat = Math.floor(Date.now() / 1000);
    const token = `${b64url({ alg: 'none' })}.${b64url({ sub: id, iat, exp: iat + lifetimeSeconds, scope: params.get('scope') ?? '' })}.`;
    issued.set(id, (issued.get(id) ?? 0) + 1);
    json(200, { access_token: token, token_type: 'Bearer', expires_in: lifetimeSeconds });
  });
  return {
    tokenEndpoint: `${http.base}/oauth2/token`,
    issued,
    close: () => http.close(),
  };
}
