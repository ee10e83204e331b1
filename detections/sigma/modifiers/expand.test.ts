/**
 * `expand`: `%name%` placeholders are replaced by the values configured for them (Sigma 2.1,
 * as pySigma's value placeholders); a rule whose placeholder has no value is rejected.
 */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

const placeholders = {
  Workstations: ['WS-*', 'LAPTOP-01'],
  userdomain: 'CORP',
  dc_ip_addresses: ['10.0.0.10', '10.0.0.11'],
  networks: ['10.0.0.0/8', '192.168.0.0/16'],
  'DC-MACHINE-NAME': 'DC01$',
};

describe('expand', () => {
  cases(
    'f|expand',
    [
      ['%Workstations%', 'ws-0042', true], // wildcards in a placeholder value work
      ['%Workstations%', 'LAPTOP-01', true],
      ['%Workstations%', 'LAPTOP-02', false],
      ['%dc_ip_addresses%', '10.0.0.11', true],
      ['%DC-MACHINE-NAME%', 'dc01$', true],
      ['%userdomain%\\admin', 'CORP\\admin', true], // inside a value
      ['no placeholder', 'no placeholder', true],
      ['%Workstations%-%userdomain%', 'LAPTOP-01-CORP', true], // several multiply
    ],
    { placeholders },
  );
  cases('f|contains|expand', [['%userdomain%', 'login CORP\\bob', true]], { placeholders });
  cases('f|expand|neq', [['%Workstations%', 'SERVER-1', true]], { placeholders });
  cases(
    'f|expand|cidr',
    [
      ['%networks%', '192.168.1.1', true],
      ['%networks%', '172.16.0.1', false],
    ],
    { placeholders },
  );
  // Without `expand`, a % is a plain character.
  cases('f', [['%userdomain%', '%userdomain%', true]], { placeholders });
  refuses([
    ['f|expand', '%Workstations%', 'RULE_PLACEHOLDER', /placeholder '%Workstations%' has no value: configure it under 'placeholders'/],
    ['f|contains|expand', 'x %userdomain% y', 'RULE_PLACEHOLDER', /'%userdomain%' has no value/],
  ]);
  refuses([['f|expand', '%empty%', 'RULE_PLACEHOLDER', /'%empty%' is configured with an empty list/]], { placeholders: { empty: [] } });
});

describe('expand, several placeholders missing', () => {
  refuses([
    ['f|expand', ['%a%', '%b%-%a%'], 'RULE_PLACEHOLDER', /^placeholders '%a%', '%b%' have no value: configure them under 'placeholders'/],
  ]);
});
