import { describe, expect, it } from 'vitest';
import { parseIpTarget } from './address.js';

describe('parseIpTarget', () => {
  it.each([
    ['203.0.113.9', { text: '203.0.113.9', version: 4 }],
    [' 203.0.113.9 ', { text: '203.0.113.9', version: 4 }],
    ['198.51.100.0/24', { text: '198.51.100.0/24', version: 4 }],
    ['0.0.0.0/0', { text: '0.0.0.0/0', version: 4 }],
    ['10.0.0.1/32', { text: '10.0.0.1/32', version: 4 }],
    ['2001:DB8::1', { text: '2001:db8::1', version: 6 }],
    ['2001:db8::/32', { text: '2001:db8::/32', version: 6 }],
    ['::ffff:192.0.2.1', { text: '::ffff:192.0.2.1', version: 6 }],
    ['::ffff:192.0.2.0/120', { text: '::ffff:192.0.2.0/120', version: 6 }],
  ])('takes %j', (value, want) => {
    expect(parseIpTarget(value)).toEqual(want);
  });

  it.each([
    '1.2.3.4; rm -rf /',
    '1.2.3.4 }',
    '$(id)',
    '`id`',
    '1.2.3.4\n5.6.7.8',
    '999.1.1.1',
    '1.2.3',
    '10.0.0.5/24',
    '2001:db8::1/32',
    '1.2.3.4/33',
    '::/129',
    '1.2.3.4/',
    'example.com',
    '',
    42,
    null,
    ['1.2.3.4'],
  ])('refuses %j', (value) => {
    expect(parseIpTarget(value)).toBeUndefined();
  });
});
