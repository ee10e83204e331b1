import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../core/net/ip.js';
import { parseAsnCsv } from './asn-csv.js';

const CSV = [
  '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
  '1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd',
  '8.8.8.0,8.8.8.255,15169,Google LLC',
  '9.0.0.0,9.0.0.0,64500,"The ""Quoted"" Co"',
  '2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project',
  '2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\r',
  '',
].join('\n');

describe('parseAsnCsv', () => {
  const table = parseAsnCsv(CSV);
  const at = (ip: string) => table.lookup(parseAddress(ip)!);

  it('finds the range holding an address, bounds included', () => {
    expect(table.size).toBe(6);
    expect(at('1.0.0.0')).toEqual({ number: 13335, organization: 'Cloudflare, Inc.' });
    expect(at('1.0.0.255')).toEqual({ number: 13335, organization: 'Cloudflare, Inc.' });
    expect(at('1.0.5.9')).toEqual({ number: 38803, organization: 'Gtelecom Pty Ltd' });
    expect(at('8.8.8.8')).toEqual({ number: 15169, organization: 'Google LLC' });
    expect(at('9.0.0.0')).toEqual({ number: 64500, organization: 'The "Quoted" Co' });
    expect(at('2001:200:1::1')).toEqual({ number: 2500, organization: 'WIDE Project' });
    expect(at('2a00:1450:4001::200e')).toEqual({ number: 15169, organization: 'Google LLC' });
  });

  it('has nothing for an address between ranges, before the first or after the last', () => {
    expect(at('1.0.1.0')).toBeUndefined();
    expect(at('0.255.255.255')).toBeUndefined();
    expect(at('9.0.0.1')).toBeUndefined();
    expect(at('2001:1ff:ffff::1')).toBeUndefined();
    expect(at('2a00:1451::1')).toBeUndefined();
  });

  it('says which line it cannot read', () => {
    expect(() => parseAsnCsv('1.0.0.0,1.0.0.255,13335,x\n1.0.1.0,1.0.1.255,notanumber,y\n')).toThrow(/line 2/);
    expect(() => parseAsnCsv('1.0.0.0,nope,13335,x\n')).toThrow(/line 1: '1.0.0.0'-'nope'/);
    expect(() => parseAsnCsv('1.0.0.0,1.0.0.255,1,"unterminated\n')).toThrow(/line 1: unterminated/);
    expect(() => parseAsnCsv('1.0.0.0,1.0.0.255,1,a,extra\n')).toThrow(/line 1/);
    expect(() => parseAsnCsv('1.0.0.0,2001::1,1,a\n')).toThrow(/line 1/);
  });

  it('refuses what address text elsewhere in Vigil is refused: a leading zero (octal to some readers), a zone', () => {
    expect(() => parseAsnCsv('1.0.0.0,1.0.0.255,1,a\n010.0.0.0,010.0.0.255,2,b\n')).toThrow(/line 2: '010.0.0.0'/);
    expect(() => parseAsnCsv('2001:200::%eth0,2001:200::ffff,1,a\n')).toThrow(/line 1/);
  });
});
