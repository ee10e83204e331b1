import { describe, expect, it } from 'vitest';
import { ecsProblems } from '../cloud/ecs-check.js';
import { panos } from './panos.js';

const ctx = { hostname: 'PA-3220', time: { tz: 'UTC', now: new Date('2026-11-20T12:00:00.000Z') } };
const GP =
  '1,2026/11/20 09:20:05,012801001234,GLOBALPROTECT,0,2817,2026/11/20 09:20:05,vsys1,gateway-connected,tunnel,,IPSec,corp\\alice,NL,LAPTOP-ALICE,198.51.100.23,0.0.0.0,10.8.0.17,0.0.0.0,4c4c4544,PF2ABCDE,6.2.1,Windows,"Windows 11 , 64-bit",1,,,"",success,Amsterdam,0,user-logon,0,GP-Gateway,7234567890125,0x0,2026-11-20T09:20:00.123+00:00,,,,,,0,0,0,0,,PA-3220,1';
const AUTH =
  '1,2026/11/20 09:24:00,012801001234,AUTHENTICATION,login,2561,2026/11/20 09:24:00,vsys1,10.0.0.5,alice,corp\\alice,obj,auth-intranet,1,1234567,Duo,default,duo-profile,"MFA",Web UI,authentication-success,2,7234567890200,0x0,0,0,0,0,,PA-3220,1,saml,0c4f5a1b,2026-11-20T09:24:00.498+00:00,,,,,,,LAPTOP-ALICE,aa:bb:cc:dd:ee:ff,NL,,"Mozilla/5.0",123456';

const CONFIG_DEFAULT =
  '1,2026/11/20 09:30:12,012801001234,CONFIG,0,2561,2026/11/20 09:30:12,10.0.0.20,vsys1,set,admin,Web,Succeeded, vsys  vsys1 rulebase security rules  allow-web,7234567890300,0x0,0,0,0,0,,PA-3220,0,,0,2026-11-20T09:30:12.000+00:00,,"allow-web { to [ untrust ]; from [ trust ]; action allow; } "';
const CONFIG_CUSTOM =
  '1,2026/11/20 09:31:40,012801001234,CONFIG,0,2561,2026/11/20 09:31:40,10.0.0.21,,override,netops,CLI,Failed, deviceconfig system device-telemetry,,,7234567890301,0x0,0,0,0,0,,PA-3220,0,';
const USERID =
  '1,2026/11/20 09:33:00,012801001234,USERID,login,2561,2026/11/20 09:33:00,vsys1,10.0.0.5,corp\\alice,dc01.corp.example,0,1,2700,0,0,active-directory,unknown,7234567890400,0x0,0,0,0,0,,PA-3220,1,,2026/11/20 09:33:00,1,0x80000000,alice';
const SYSTEM =
  '1,2026/11/20 09:14:07,012801001234,SYSTEM,general,2561,2026/11/20 09:14:07,,general,,,,general,informational,"Commit job succeeded, job id 1234",7123456792,0x0,0,0,0,0,,PA-3220,0,0';
const HIPMATCH =
  '1,2026/11/20 09:36:30,012801001234,HIPMATCH,0,2561,2026/11/20 09:36:30,bob,vsys1,MBP-Bob,Mac,10.8.0.18,GlobalProtect 6.2.1,1,object,0,0,7234567890501,0x0,0,0,0,0,,PA-3220,1,2001:db8::18,0f2a7c1e-5b1d-4d7e-9a39-0d5c3b6f1a20,C02XYZ123,,';
const DECRYPTION =
  '1,2026/11/20 09:40:44,012801001234,DECRYPTION,0,2561,2026/11/20 09:40:44,10.0.0.5,198.51.100.20,192.0.2.10,198.51.100.20,decrypt-outbound,,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,,2026/11/20 09:40:44,45123,1,49908,443,40123,443,0x1400000,tcp,allow,N/A,,,,,731a6a1a-9a62-4a92-a49a-0876025a9436,Server_Hello,Client_Hello,TLS1.2,ECDHE,AES_256_GCM,SHA384,,secp256r1,Certificate,trusted,Trusted,Forward,ba67e84495b59512,a6a13e87221733b712ddbd0978da1ffdd69503dfd1f0a86f73d86bf90b743b85,2026/01/11 15:21:28,2027/01/11 15:21:28,V3,2048,15,10,0,15,:::::RSA,www.example.com,Example CA,,www.example.com,Received fatal alert CertificateUnknown from client,,,,,,,,2026-11-20T09:40:44.000+00:00,,,,,,,,,,,,,,,,,7234567890600,0x0,0,0,0,0,,PA-3220,1,unknown,unknown,unknown,1,,,ssl,no';

describe('PAN-OS GLOBALPROTECT and AUTHENTICATION', () => {
  it('reads the tunnel address as the source and the public address as its NAT', () => {
    expect(panos(GP, ctx)).toMatchObject({
      event: { category: ['network'], type: ['connection', 'start'], code: 'gateway-connected', outcome: 'success' },
      source: { ip: '10.8.0.17', nat: { ip: '198.51.100.23' }, user: { name: 'alice', domain: 'corp' } },
      host: { name: 'laptop-alice', ip: ['10.8.0.17'] },
    });
  });

  it('reads an authentication policy log as a successful authentication of its user', () => {
    expect(panos(AUTH, ctx)).toMatchObject({
      event: { category: ['authentication'], type: ['start'], outcome: 'success' },
      source: { ip: '10.0.0.5', user: { name: 'alice', domain: 'corp' } },
      rule: { name: 'auth-intranet', uuid: '0c4f5a1b' },
      user_agent: { original: 'Mozilla/5.0' },
    });
  });

  it.each([
    ['GLOBALPROTECT', GP],
    ['AUTHENTICATION', AUTH],
    ['CONFIG (default layout)', CONFIG_DEFAULT],
    ['CONFIG (custom layout)', CONFIG_CUSTOM],
    ['USERID', USERID],
    ['HIPMATCH', HIPMATCH],
    ['DECRYPTION', DECRYPTION],
  ])('gives ECS-valid fields for a %s line cut at any column or with a column emptied', (_t, line) => {
    const cols = line.split(',');
    for (let i = 7; i <= cols.length; i++) {
      for (const variant of [cols.slice(0, i).join(','), cols.map((c, j) => (j === i ? '' : c)).join(',')]) {
        const f = panos(variant, ctx);
        expect(f, variant).toBeDefined();
        expect(ecsProblems(f), variant).toEqual([]);
      }
    }
  });
});

describe('PAN-OS CONFIG, USERID, HIPMATCH and DECRYPTION', () => {
  it('reads the change details where the layout puts them: after the path or at the end', () => {
    expect(panos(CONFIG_DEFAULT, ctx)).toMatchObject({
      event: { category: ['configuration'], action: 'cmd-set', outcome: 'success', sequence: 7234567890300 },
      host: { ip: ['10.0.0.20'] },
      user: { name: 'admin' },
      labels: { after_change_detail: 'allow-web { to [ untrust ]; from [ trust ]; action allow; } ' },
    });
    const custom = panos(CONFIG_CUSTOM, ctx);
    expect(custom).toMatchObject({ event: { outcome: 'failure', sequence: 7234567890301 }, observer: { hostname: 'PA-3220' } });
    expect(custom?.event?.action).toBeUndefined();
  });

  it('reads a User-ID mapping as the source address and its user', () => {
    expect(panos(USERID, ctx)).toMatchObject({
      event: { category: ['network', 'iam'], code: '0' },
      source: { ip: '10.0.0.5', port: 0, user: { name: 'alice', domain: 'corp' } },
      destination: { port: 0 },
      user: { name: 'alice', domain: 'corp' },
    });
  });

  it("prefers the HIP report's IPv6 address, and writes the MAC as ECS does", () => {
    expect(panos(HIPMATCH, ctx)).toMatchObject({ source: { ip: '2001:db8::18', user: { name: 'bob' } }, host: { name: 'mbp-bob' } });
    const v4 = HIPMATCH.replace('2001:db8::18', '0.0.0.0').replace('C02XYZ123,,', 'C02XYZ123,aa:bb:cc:dd:ee:ff,');
    expect(panos(v4, ctx)).toMatchObject({ source: { ip: '10.8.0.18' }, host: { mac: ['AA-BB-CC-DD-EE-FF'] } });
  });

  it('calls a decryption with an error a failure, one without a success, one cut before the error column neither', () => {
    expect(panos(DECRYPTION, ctx)).toMatchObject({
      event: { type: ['allowed'], outcome: 'failure' },
      tls: {
        version: '1.2',
        version_protocol: 'tls',
        client: { hash: { sha256: 'a6a13e87221733b712ddbd0978da1ffdd69503dfd1f0a86f73d86bf90b743b85' } },
      },
    });
    const cols = DECRYPTION.split(',');
    const ok = cols.map((c, i) => (i === 64 ? '' : c)).join(',');
    expect(panos(ok, ctx)?.event?.outcome).toBe('success');
    expect(panos(cols.slice(0, 64).join(','), ctx)?.event?.outcome).toBeUndefined();
  });

  it.each([
    ['CONFIG', CONFIG_DEFAULT],
    ['USERID', USERID],
    ['HIPMATCH', HIPMATCH],
    ['DECRYPTION', DECRYPTION],
  ])('gives ECS-valid fields, or leaves the line to the generic syslog path, for a %s line cut at any character', (_t, line) => {
    for (let i = 0; i <= line.length; i++) {
      const f = panos(line.slice(0, i), ctx);
      if (f !== undefined) expect(ecsProblems(f), line.slice(0, i)).toEqual([]);
    }
  });
});

describe('PAN-OS high-resolution timestamp', () => {
  const unquoted = (line: string): string => line.replace(/"[^"]*"/g, (q) => q.replace(/,/g, ' '));
  const TRAFFIC =
    '1,2026/11/20 09:14:03,012801001234,TRAFFIC,end,2561,2026/11/20 09:14:03,10.0.0.5,198.51.100.7,192.0.2.10,198.51.100.7,allow-web,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,2026/11/20 09:14:03,34567,1,51234,443,40123,443,0x40001c,tcp,allow,5120,1024,4096,20,2026/11/20 09:13:33,30,computer-and-internet-info,0,7123456789,0x8000000000000000,10.0.0.0-10.255.255.255,United States,0,10,10,tcp-fin,0,0,0,0,,PA-3220,from-policy';
  const THREAT =
    '1,2026/11/20 09:14:05,012801001234,THREAT,vulnerability,2561,2026/11/20 09:14:05,203.0.113.45,10.0.0.20,0.0.0.0,0.0.0.0,inbound-web,,,web-browsing,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,default,2026/11/20 09:14:05,45678,1,40222,80,0,0,0x402000,tcp,reset-both,index.php,PHP Remote Code Execution Vulnerability(54321),any,critical,client-to-server,7123456790,0x2000000000000000,United States,10.0.0.0-10.255.255.255,,,0,,,,Mozilla/5.0 (X11; Linux x86_64),,,,,,,,,,,,,PA-3220,,,,post';
  /**
   * The line with `value` at column `at` (0-based), padding with empty columns as PAN-OS 10.1+
   * writes them (commas inside quoted columns become spaces, so that a split on commas counts right).
   */
  const withColumn = (line: string, at: number, value: string): string => {
    const cols = unquoted(line).split(',');
    while (cols.length <= at) cols.push('');
    cols[at] = value;
    return cols.join(',');
  };

  it.each([
    ['TRAFFIC', 102, TRAFFIC],
    ['THREAT', 107, THREAT],
  ])('takes @timestamp from the %s column %i, with its milliseconds and offset', (_t, at, line) => {
    // The firewall's clock is at +01:00 while the input reads wall times as UTC: the offset wins.
    expect(panos(withColumn(line, at, '2026-11-20T10:14:03.457+01:00'), ctx)?.['@timestamp']).toBe('2026-11-20T09:14:03.457Z');
  });

  it('reads it where each log type puts it', () => {
    const hr = '2026-11-20T09:20:05.123-05:00';
    const lines: [string, number][] = [
      [GP, 36],
      [AUTH, 33],
      [CONFIG_DEFAULT, 25],
      [HIPMATCH, 30],
      [DECRYPTION, 72],
      [SYSTEM, 25],
      [USERID, 33],
    ];
    for (const [line, at] of lines) {
      // The sample lines above that carry the column already have a time there.
      expect(unquoted(line).split(',')[at] ?? '', `column ${at} of ${line.slice(0, 60)}`).toMatch(/^(2026-11-20T.*)?$/);
      expect(panos(withColumn(line, at, hr), ctx)?.['@timestamp']).toBe('2026-11-20T14:20:05.123Z');
    }
    expect(panos(withColumn(CONFIG_CUSTOM, 27, hr), ctx)?.['@timestamp']).toBe('2026-11-20T14:20:05.123Z');
  });

  it.each([
    ['IPTAG', 25, 23],
    ['GTP', 83, undefined],
    ['SCTP', 64, 37],
    ['START', 71, 41],
    ['END', 71, 41],
  ])('reads it, and the device name, in a %s log, a type Vigil does not map yet (column %i)', (type, at, deviceAt) => {
    let line = `1,2026/11/20 09:50:00,012801001234,${type},0,2561,2026/11/20 09:50:00,vsys1,10.0.0.5`;
    if (deviceAt !== undefined) line = withColumn(line, deviceAt, 'PA-3220');
    const f = panos(withColumn(line, at, '2026-11-20T10:50:00.250+01:00'), ctx);
    expect(f?.['@timestamp']).toBe('2026-11-20T09:50:00.250Z');
    expect(f?.observer?.hostname).toBe(deviceAt === undefined ? undefined : 'PA-3220');
    expect(f?.labels).toMatchObject({ log_type: type });
    // Without the column (a 9.x firewall), the generated time.
    expect(panos(line, ctx)?.['@timestamp']).toBe('2026-11-20T09:50:00.000Z');
  });

  it('keeps the generated time for the placeholder of PAN-OS 9.1 and earlier, an empty column or another value there', () => {
    for (const v of ['1969-12-31T16:00:00.000-08:00', '1970-01-01T00:00:00.000+00:00', '', 'not-a-time', '2026/11/20 11:11:11']) {
      expect(panos(withColumn(TRAFFIC, 102, v), ctx)?.['@timestamp']).toBe('2026-11-20T09:14:03.000Z');
    }
    expect(panos(TRAFFIC, ctx)?.['@timestamp']).toBe('2026-11-20T09:14:03.000Z');
  });
});
