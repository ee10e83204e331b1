import type { LookupAddress } from 'node:dns';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../../core/telemetry/index.js';
import { failure } from '../../../test/support/actions.js';
import { makeTestPki, type TestPki } from '../../../test/support/certs.js';
import { awsIamDeactivateAccessKey } from '../aws/iam-deactivate-access-key.js';
import { httpRequest } from '../http.js';
import { ACTIONS } from '../registry.js';
import type { ActionContext } from '../types.js';
import type { NetworkPolicy, Resolver } from './guard.js';

/** A target on loopback that counts what reaches it, and echoes the Host header it was sent. */
let server: Server;
let port = 0;
const seen: IncomingMessage[] = [];
let tls: Server;
let tlsPort = 0;
const tlsSeen: IncomingMessage[] = [];
let pki: TestPki;

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    seen.push(req);
    // Under the name redirector.test it sends RDAP clients on to loopback by address.
    if (req.headers.host?.startsWith('redirector.test') && req.url?.startsWith('/ip/')) {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/landed` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ host: req.headers.host }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  pki = makeTestPki();
  tls = createHttpsServer({ cert: pki.read(pki.serverCert), key: pki.read(pki.serverKey) }, (req, res) => {
    tlsSeen.push(req);
    res.end('{}');
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsPort = (tls.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => tls.close(r));
  pki.remove();
});

const ctx = (network?: NetworkPolicy): ActionContext => ({ signal: new AbortController().signal, ...(network ? { network } : {}) });

/** A resolver that answers `answers[n]` to its n-th question, and counts them. */
function scripted(...answers: string[][]): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    const a = answers[Math.min(asked.length, answers.length - 1)] ?? [];
    asked.push(host);
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

async function refusals(cls: string): Promise<number> {
  const m = await registry.getSingleMetricAsString('vigil_playbook_address_refusals_total');
  const line = m.split('\n').find((l) => l.startsWith(`vigil_playbook_address_refusals_total{class="${cls}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('http.request network guard', () => {
  it('refuses http://127.0.0.1 without an allow: nothing reaches the server, the error says how to allow it', async () => {
    const before = seen.length;
    const counted = await refusals('loopback');
    const e = await failure(httpRequest.run({ url: `http://127.0.0.1:${port}/x`, method: 'GET' }, ctx()));
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(e.retriable).toBe(false);
    expect(e.message).toContain('127.0.0.1');
    expect(e.message).toContain('loopback');
    expect(e.message).toContain('allow_hosts');
    expect(e.message).toContain('playbooks.network.allow');
    expect(seen.length).toBe(before);
    expect(await refusals('loopback')).toBe(counted + 1);
  });

  it('refuses a name that resolves to loopback (localhost, through the system resolver)', async () => {
    const before = seen.length;
    const e = await failure(httpRequest.run({ url: `http://localhost:${port}/x`, method: 'GET' }, ctx({ allow: [] })));
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(e.message).toMatch(/localhost \(resolved to (127\.0\.0\.1|::1)\)/);
    expect(seen.length).toBe(before);
  });

  it('refuses an IPv4-mapped IPv6 loopback address', async () => {
    const e = await failure(httpRequest.run({ url: `http://[::ffff:127.0.0.1]:${port}/x`, method: 'GET' }, ctx()));
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(e.message).toContain('loopback');
  });

  it('refuses the metadata endpoint even when a private network is allowed', async () => {
    const e = await failure(
      httpRequest.run({ url: 'http://169.254.169.254/latest/meta-data/', method: 'GET' }, ctx({ allow: ['10.0.0.0/8', '169.254.0.0/16'] })),
    );
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(e.message).toContain('metadata');
  });

  it('refuses metadata.google.internal without asking DNS what it resolves to', async () => {
    const resolve = scripted(['8.8.8.8']);
    const e = await failure(httpRequest.run({ url: 'http://metadata.google.internal/', method: 'GET' }, ctx({ allow: [], resolve })));
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(e.message).toContain('metadata');
  });

  it('connects when the step allows the address', async () => {
    const before = seen.length;
    const res = await httpRequest.run({ url: `http://127.0.0.1:${port}/ok`, method: 'GET' }, ctx({ allow: ['127.0.0.1'] }));
    expect(res).toMatchObject({ status: 200 });
    expect(seen.length).toBe(before + 1);
  });

  it('connects to the address it checked, keeping the name in the Host header', async () => {
    const resolve = scripted(['127.0.0.1']);
    const res = await httpRequest.run(
      { url: `http://siem.internal:${port}/ok`, method: 'GET' },
      ctx({ allow: ['siem.internal'], resolve }),
    );
    expect(res).toEqual({ status: 200, body: { host: `siem.internal:${port}` } });
    expect(resolve.asked).toEqual(['siem.internal']);
  });

  it('refuses a name when any address it resolves to is refused', async () => {
    const before = seen.length;
    const resolve = scripted(['203.0.113.7', '127.0.0.1']);
    const e = await failure(httpRequest.run({ url: `http://mixed.example:${port}/x`, method: 'GET' }, ctx({ allow: [], resolve })));
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(e.message).toContain('resolved to 127.0.0.1');
    expect(seen.length).toBe(before);
  });

  it('does not let DNS rebinding through: the answer checked is the one connected to', async () => {
    // A rebinding name answers a public address to a check and loopback to the connection that follows it.
    const before = seen.length;
    const resolve = scripted(['203.0.113.7'], ['127.0.0.1']);
    await httpRequest
      .run({ url: `http://rebind.example:${port}/x`, method: 'GET', timeout: '1s' }, ctx({ allow: [], resolve }))
      .catch(() => undefined);
    expect(resolve.asked).toEqual(['rebind.example']);
    expect(seen.length).toBe(before);
  });

  it('keeps TLS verification on: an untrusted certificate on an allowed host fails', async () => {
    const e = await failure(httpRequest.run({ url: `https://127.0.0.1:${tlsPort}/x`, method: 'GET' }, ctx({ allow: ['127.0.0.1'] })));
    expect(e.code).toBe('ACTION_FAILED');
    expect(e.message).toMatch(/certificate|UNABLE_TO_VERIFY|SELF_SIGNED/i);
    expect(tlsSeen.length).toBe(0);
  });
});

describe('actions that reach HTTP through the guard', () => {
  it('refuses a library action aimed at loopback, and lets it through with an allow', async () => {
    const rdap = ACTIONS['rdap.ip'];
    const before = seen.length;
    const args = { ip: '192.0.2.1', base_url: `http://127.0.0.1:${port}` };
    const e = await failure(rdap.run(args, ctx()));
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(seen.length).toBe(before);
    await rdap.run(args, ctx({ allow: ['127.0.0.1'] })).catch(() => undefined);
    expect(seen.length).toBe(before + 1);
  });

  it('checks every redirect hop: a redirect from an allowed name to a loopback address it does not allow is refused', async () => {
    const before = seen.length;
    const resolve = scripted(['127.0.0.1']);
    const e = await failure(
      ACTIONS['rdap.ip'].run({ ip: '192.0.2.1', base_url: `http://redirector.test:${port}` }, ctx({ allow: ['redirector.test'], resolve })),
    );
    expect(e.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(e.message).toContain('refused to connect to 127.0.0.1');
    expect(seen.slice(before).map((r) => r.url)).toEqual(['/ip/192.0.2.1']);
  });

  it('refuses an AWS endpoint on loopback, by address and by name', async () => {
    const before = seen.length;
    const args = {
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      user_name: 'alice',
      aws_access_key_id: 'AKIDEXAMPLE',
      aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      timeout: '5s',
    };
    const byAddress = await failure(awsIamDeactivateAccessKey.run({ ...args, endpoint: `http://127.0.0.1:${port}` }, ctx()));
    expect(byAddress.code).toBe('ACTION_ADDRESS_REFUSED');
    const byName = await failure(
      awsIamDeactivateAccessKey.run({ ...args, endpoint: `http://aws.test:${port}` }, ctx({ allow: [], resolve: scripted(['127.0.0.1']) })),
    );
    expect(byName.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(seen.length).toBe(before);
  });
});
