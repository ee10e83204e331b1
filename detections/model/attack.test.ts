import { describe, expect, it } from 'vitest';
import { attackFromTags } from './attack.js';

describe('attackFromTags', () => {
  it.each([
    [['attack.t1110'], { techniques: ['T1110'], tactics: [] }],
    [['attack.T1548.003'], { techniques: ['T1548.003'], tactics: [] }],
    [['attack.credential-access'], { techniques: [], tactics: ['credential-access'] }],
    [['attack.credential_access'], { techniques: [], tactics: ['credential-access'] }], // Sigma 1 spelling
    [['attack.command-and-control', 'attack.t1105'], { techniques: ['T1105'], tactics: ['command-and-control'] }],
    [['attack.g0032', 'attack.s0002', 'cve.2021-44228', 'tlp.amber', 'detection.emerging-threats'], { techniques: [], tactics: [] }],
    [['attack.t1110', 'attack.t1110', 'attack.t1110.001'], { techniques: ['T1110', 'T1110.001'], tactics: [] }],
    [['attack.t11100', 'attack.t1110.01', 'attack.nonsense'], { techniques: [], tactics: [] }],
    [[], { techniques: [], tactics: [] }],
  ])('%j', (tags, want) => {
    expect(attackFromTags(tags)).toEqual(want);
  });
});
