/** The TAXII 2.1 client against medallion, the OASIS reference server, started for this file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../core/errors/index.js';
import { startMedallion, stixIndicator, type MedallionServer } from '../test/support/medallion.js';
import { stixIndicators } from './parsers/stix.js';
import { TaxiiClient } from './taxii.js';

const OBJECTS = Array.from({ length: 7 }, (_, n) => ({
  object: stixIndicator(n + 1, `[ipv4-addr:value = '198.51.100.${n + 1}']`),
  // One a day: added_after can split them.
  added: `2026-12-0${n + 1}T00:00:00.000Z`,
}));

let server: MedallionServer | undefined;
beforeAll(async () => {
  server = await startMedallion(OBJECTS, { pageSize: 3 });
}, 120_000);
afterAll(async () => server?.stop());

describe('TAXII 2.1 client (medallion)', () => {
  const client = () => new TaxiiClient({ username: server!.username, password: server!.password });

  it('finds the API root through discovery and the collection by title', async () => {
    const c = client();
    expect(await c.apiRoots(server!.discovery)).toEqual([server!.root]);
    expect((await c.apiRoot(server!.root)).versions).toContain('application/taxii+json;version=2.1');
    expect(await c.findCollection(server!.discovery, 'blocklist')).toEqual({ root: server!.root, id: server!.collection });
  });

  it('follows next while the server says more, and gets every object once', async () => {
    const got = await client().objects(server!.root, server!.collection, { limit: 2, type: 'indicator' });
    expect(got.pages).toBe(4); // 2 + 2 + 2 + 1
    const ips = stixIndicators(got.objects).indicators.map((i) => i.value);
    expect(ips.sort()).toEqual(OBJECTS.map((_, n) => `198.51.100.${n + 1}`).sort());
    expect(got.addedLast).toBe('2026-12-07T00:00:00.000Z');
  });

  it('asks only for what was added after a date', async () => {
    const got = await client().objects(server!.root, server!.collection, { addedAfter: '2026-12-05T12:00:00.000Z' });
    expect(
      stixIndicators(got.objects)
        .indicators.map((i) => i.value)
        .sort(),
    ).toEqual(['198.51.100.6', '198.51.100.7']);
  });

  it('reports refused credentials as INTEL_FEED_AUTH, not as an empty collection', async () => {
    const bad = new TaxiiClient({ username: 'taxii', password: 'wrong' });
    const err = await bad.collections(server!.root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('INTEL_FEED_AUTH');
    const none = await new TaxiiClient().collections(server!.root).catch((e: unknown) => e);
    expect((none as VigilError).code).toBe('INTEL_FEED_AUTH');
  });

  it('reports an unknown collection and a closed port with their own codes', async () => {
    const err = await client()
      .findCollection(server!.discovery, 'nope')
      .catch((e: unknown) => e);
    expect((err as VigilError).code).toBe('INTEL_FEED_INVALID');
    const down = await client()
      .apiRoots('http://127.0.0.1:1/taxii2/')
      .catch((e: unknown) => e);
    expect((down as VigilError).code).toBe('INTEL_FEED_UNREACHABLE');
  });
});
