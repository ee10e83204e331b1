import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../core/errors/index.js';
import { nftablesBlockAddress, nftablesUnblockAddress } from './actions.js';

/** Argument checks; what the actions do to a real firewall is test/integration/playbook-nftables.test.ts. */
const base = {
  host: '192.0.2.1',
  host_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP9urtJ7bPm0U3RrgDV3IeYtZTXV2Kff0JkctccvPtD5',
  private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----',
  address: '203.0.113.9',
  // An unreachable port: a check that let a bad value through would fail later, with another message.
  port: 1,
  timeout: '1s',
};

async function refusal(action: typeof nftablesBlockAddress, args: Record<string, unknown>): Promise<VigilError> {
  try {
    await action.run(args, { signal: new AbortController().signal });
  } catch (err) {
    if (err instanceof VigilError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('nftables actions refuse what could reach a shell or nft unchecked', () => {
  it.each([
    [{ address: '1.2.3.4; rm -rf /' }, /address must be/],
    [{ address: ['1.2.3.4'] }, /address must be/],
    [{ table: 'vigil; flush ruleset' }, /table must be an nft name/],
    [{ set: "x'" }, /set must be an nft name/],
    [{ set_v6: 'a b' }, /set_v6 must be an nft name/],
    [{ family: 'inet; id' }, /family must be one of/],
    [{ host: '-oProxyCommand=touch /tmp/x' }, /host must be/],
    [{ host: 'fw.example;id' }, /host must be/],
    [{ user: 'root;id' }, /user must be a login name/],
    [{ port: 70000 }, /port must be/],
    [{ host_key: 'not a key' }, /host_key must be/],
    [{ host_key: '' }, /host_key must be a non-empty string/],
    [{ ttl: '0s' }, /ttl must be a duration/],
    [{ ttl: '1 day' }, /ttl must be a duration/],
    [{ sudo: 'yes' }, /sudo must be true or false/],
    [{ command: 'id' }, /no input "command"/],
  ])('refuses %j', async (bad, why) => {
    const f = await refusal(nftablesBlockAddress, { ...base, ...bad });
    expect(f.code).toBe('ACTION_REJECTED');
    expect(f.message).toMatch(why);
    expect(f.message).not.toContain('BEGIN OPENSSH');
  });

  it('takes no ttl when unblocking', async () => {
    expect((await refusal(nftablesUnblockAddress, { ...base, ttl: '1h' })).message).toMatch(/no input "ttl"/);
  });

  it('reaches ssh with valid arguments (and fails there: nothing listens on port 1)', async () => {
    const f = await refusal(nftablesBlockAddress, base);
    expect(f.message).toMatch(/ssh: /);
  });
});
