import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP, type Socket } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { VigilError } from '../../../core/errors/index.js';
import { metrics } from '../../../core/telemetry/index.js';
import { compileAllowList, decide, isMetadataHost, normalizeHost } from './address-policy.js';

/** Resolves a host name to every address it has (as `dns.lookup` with `all: true`). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

/** Which non-public hosts an action may reach: the step's `allow_hosts` with `playbooks.network.allow`. */
export interface NetworkPolicy {
  /** Host names (`*.corp.example`), addresses and networks (`10.0.0.0/8`). */
  allow: readonly string[];
  /** Name resolution; the system's (`dns.lookup`) when absent. Tests inject theirs. */
  resolve?: Resolver;
}

/** The policy of an action called without one: only public addresses. */
const PUBLIC_ONLY: NetworkPolicy = { allow: [] };

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Resolves `host` once and checks every address it resolved to; the caller connects to one of
 * these and no other, so a name that answers differently the next time (DNS rebinding) gains
 * nothing. One refused address refuses the host: ACTION_ADDRESS_REFUSED, not retried.
 */
export async function checkedAddresses(host: string, policy: NetworkPolicy = PUBLIC_ONLY): Promise<LookupAddress[]> {
  const name = normalizeHost(host);
  const family = isIP(name);
  let addresses: LookupAddress[];
  if (family === 4 || family === 6) addresses = [{ address: name, family }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolver)(name);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new VigilError('ACTION_FAILED', `cannot resolve ${name}: ${typeof code === 'string' ? code : String(err)}`, { cause: err });
    }
    if (addresses.length === 0) throw new VigilError('ACTION_FAILED', `cannot resolve ${name}: no address`);
  }
  const allow = compileAllowList(policy.allow);
  for (const { address } of addresses) {
    const verdict = decide(name, address, allow);
    if (verdict.allowed) continue;
    metrics.addressRefusals.inc({ class: verdict.class });
    const at = address === name ? '' : ` (resolved to ${address})`;
    // A metadata address reached through another name opens only by the address itself.
    const entry = verdict.class === 'metadata' && isIP(name) === 0 && !isMetadataHost(name) ? address : name;
    throw new VigilError(
      'ACTION_ADDRESS_REFUSED',
      `refused to connect to ${name}${at}: ${isMetadataHost(name) ? name : address} is ${/^[aeiou]/.test(verdict.class) ? 'an' : 'a'} ${verdict.class} address, not a public one; ` +
        `allow it with allow_hosts: [${entry}] on the step, or in playbooks.network.allow in vigil.yaml`,
    );
  }
  return addresses;
}

type Connector = ReturnType<typeof buildConnector>;

/**
 * An undici dispatcher whose every connection goes to an address {@link checkedAddresses}
 * allowed: the host name stays the TLS server name, so certificates are verified against it
 * as usual. `pool.ts` shares one per policy; one made for a single exchange is closed after it.
 */
export function guardedDispatcher(policy: NetworkPolicy = PUBLIC_ONLY): Agent {
  const base = buildConnector({});
  const connect: Connector = (opts, callback) => {
    checkedAddresses(opts.hostname, policy).then(
      (addresses) => tryEach(base, opts, addresses, 0, callback),
      (err: Error) => callback(err, null),
    );
  };
  return new Agent({ connect });
}

/** Connects to the addresses in turn until one answers (a dual-stack host whose IPv6 route is down). */
function tryEach(
  base: Connector,
  opts: Parameters<Connector>[0],
  addresses: LookupAddress[],
  i: number,
  callback: Parameters<Connector>[1],
): void {
  const target = addresses[i] as LookupAddress;
  base({ ...opts, hostname: target.address }, (err, socket) => {
    if (err && i + 1 < addresses.length) tryEach(base, opts, addresses, i + 1, callback);
    else if (err) callback(err, null);
    else callback(null, socket as Socket);
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node's http/https agents (clients that are not undici, such as the AWS SDK's):
 * the same resolution and check. Node calls it only for a host name, so the caller checks an
 * IP literal itself with {@link checkedAddresses}.
 */
export function guardedLookup(policy: NetworkPolicy = PUBLIC_ONLY) {
  return (host: string, options: { all?: boolean }, callback: LookupCallback): void => {
    checkedAddresses(host, policy).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, (addresses[0] as LookupAddress).address, (addresses[0] as LookupAddress).family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}
