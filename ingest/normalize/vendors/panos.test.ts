import { describe, expect, it } from 'vitest';
import { ecsProblems } from '../cloud/ecs-check.js';
import { panos } from './panos.js';

const ctx = { hostname: 'PA-3220', time: { tz: 'UTC', now: new Date('2026-11-20T12:00:00.000Z') } };
const GP =
  '1,2026/11/20 09:20:05,012801001234,GLOBALPROTECT,0,2817,2026/11/20 09:20:05,vsys1,gateway-connected,tunnel,,IPSec,corp\\alice,NL,LAPTOP-ALICE,198.51.100.23,0.0.0.0,10.8.0.17,0.0.0.0,4c4c4544,PF2ABCDE,6.2.1,Windows,"Windows 11 , 64-bit",1,,,"",success,Amsterdam,0,user-logon,0,GP-Gateway,7234567890125,0x0,2026-11-20T09:20:00.123+00:00,,,,,,0,0,0,0,,PA-3220,1';
const AUTH =
  '1,2026/11/20 09:24:00,012801001234,AUTHENTICATION,login,2561,2026/11/20 09:24:00,vsys1,10.0.0.5,alice,corp\\alice,obj,auth-intranet,1,1234567,Duo,default,duo-profile,"MFA",Web UI,authentication-success,2,7234567890200,0x0,0,0,0,0,,PA-3220,1,saml,0c4f5a1b,2026-11-20T09:24:00.498+00:00,,,,,,,LAPTOP-ALICE,aa:bb:cc:dd:ee:ff,NL,,"Mozilla/5.0",123456';

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
