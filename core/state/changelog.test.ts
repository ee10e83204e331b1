import { describe, expect, it } from 'vitest';
import { changelogSpec, changelogTopic, decodeMeta, encodeMeta, repartitionTopic } from './changelog.js';

describe('changelog', () => {
  it('names topics after the processor under the prefix', () => {
    expect(changelogTopic('prod.', 'brute-force')).toBe('prod.vigil.brute-force-changelog');
    expect(repartitionTopic('', 'brute-force')).toBe('vigil.brute-force-repartition');
    expect(changelogSpec('x', 6, 3)).toMatchObject({
      name: 'x',
      partitions: 6,
      replicationFactor: 3,
      configs: { 'cleanup.policy': 'compact' },
    });
  });

  it('round-trips partition metadata', () => {
    const meta = { maxEventTime: 1_700_000_000_000, nextOffset: '12345678901234' };
    expect(decodeMeta(Buffer.from(encodeMeta(meta)))).toEqual(meta);
    expect(decodeMeta(Buffer.from(encodeMeta({ maxEventTime: null, nextOffset: '0' })))).toEqual({ maxEventTime: null, nextOffset: '0' });
  });

  it.each([
    ['not JSON', 'nope'],
    ['unknown version', '{"v":2,"nextOffset":"1"}'],
    ['offset not a decimal string', '{"v":1,"nextOffset":1}'],
    ['negative offset', '{"v":1,"nextOffset":"-1"}'],
  ])('rejects metadata that is %s', (_name, text) => {
    expect(decodeMeta(Buffer.from(text))).toBeNull();
  });
});
