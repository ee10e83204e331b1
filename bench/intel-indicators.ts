/**
 * The indicator list the intelligence benches enrich against: four that their sample lines hold
 * (an IP, a network, a domain, a URL) and `generated` more (IPs, domains and SHA-256 hashes in
 * turn), as one feed in a store.
 */
import type { Indicator } from '../intel/model.js';
import { IndicatorIndex, IntelStore } from '../intel/store.js';

export function benchIntelStore(generated: number): IntelStore {
  const indicators: Indicator[] = [
    { type: 'ip', value: '203.0.113.9', id: 'indicator--1', description: 'c2 server' },
    { type: 'cidr', value: '198.51.100.128/25' },
    { type: 'domain', value: 'evil.example' },
    { type: 'url', value: 'http://evil.example/x?y=1' },
  ];
  for (let i = 0; i < generated; i++) {
    indicators.push(
      i % 3 === 0
        ? { type: 'ip', value: `100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
        : i % 3 === 1
          ? { type: 'domain', value: `bad${i}.example` }
          : { type: 'sha256', value: i.toString(16).padStart(64, '0') },
    );
  }
  const store = new IntelStore();
  store.replace(IndicatorIndex.build([{ feed: 'bench', indicators }]));
  return store;
}
