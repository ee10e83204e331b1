import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../../test/support/actions.js';
import type { NetworkPolicy, Resolver } from '../net/guard.js';
import { SSH_BINARY } from './ssh.js';
import { nftablesBlockAddress, nftablesUnblockAddress } from './actions.js';

/**
 * The firewall host of the nftables actions is held to the playbook's network policy like any
 * other target: resolved once, checked, and ssh is handed the checked address (host key pinning
 * is by alias, so it is unchanged). A listener on loopback counts the connections ssh makes.
 */
const answering =
  (address: string): Resolver =>
  async () => [{ address, family: 4 }];

let server: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const args = (host: string) => ({
  host,
  port,
  host_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP9urtJ7bPm0U3RrgDV3IeYtZTXV2Kff0JkctccvPtD5',
  private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----',
  address: '203.0.113.9',
  timeout: '3s',
});
const ctx = (network?: NetworkPolicy) => ({ signal: new AbortController().signal, ...(network ? { network } : {}) });

describe('nftables actions and the address policy', () => {
  it.each([
    ['block', nftablesBlockAddress],
    ['unblock', nftablesUnblockAddress],
  ])('%s: refuses a loopback firewall host with no allow, before ssh connects', async (_name, action) => {
    const before = connections;
    const f = await failure(action.run(args('127.0.0.1'), ctx()));
    expect(f.code).toBe('ACTION_ADDRESS_REFUSED');
    expect(f.message).toMatch(/127\.0\.0\.1 is a loopback address.*allow_hosts/);
    expect(f.message).not.toContain('OPENSSH');
    expect(connections).toBe(before);
  });

  it('refuses a name that resolves to a private address, and a metadata address under any allow but its own', async () => {
    const before = connections;
    const named = await failure(nftablesBlockAddress.run(args('fw.vigil.test'), ctx({ allow: [], resolve: answering('10.20.0.1') })));
    expect(named.message).toMatch(/fw\.vigil\.test \(resolved to 10\.20\.0\.1\).*private/);
    const meta = await failure(
      nftablesBlockAddress.run(
        args('fw.vigil.test'),
        ctx({ allow: ['fw.vigil.test', '169.254.0.0/16'], resolve: answering('169.254.169.254') }),
      ),
    );
    expect(meta).toMatchObject({ code: 'ACTION_ADDRESS_REFUSED', message: expect.stringMatching(/metadata/) });
    expect(connections).toBe(before);
  });

  it.skipIf(!existsSync(SSH_BINARY))('hands ssh the checked address of an allowed name', async () => {
    const before = connections;
    // ssh cannot resolve fw.vigil.test itself: a connection to the listener means it was given 127.0.0.1.
    const f = await failure(
      nftablesBlockAddress.run(args('fw.vigil.test'), ctx({ allow: ['fw.vigil.test'], resolve: answering('127.0.0.1') })),
    );
    expect(f.code).toBe('ACTION_FAILED');
    expect(f.message).toMatch(/ssh: /);
    expect(connections).toBe(before + 1);
  });

  it.skipIf(!existsSync(SSH_BINARY))('reaches an allowed address literal', async () => {
    const before = connections;
    expect((await failure(nftablesBlockAddress.run(args('127.0.0.1'), ctx({ allow: ['127.0.0.1'] })))).message).toMatch(/ssh: /);
    expect(connections).toBe(before + 1);
  });
});
