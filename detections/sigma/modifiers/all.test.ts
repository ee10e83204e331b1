/** `all`: every value of the list must match (AND instead of OR); a single value is refused (Sigma 2.1). */
import { describe, expect, it } from 'vitest';
import { compileDetection } from '../detection.js';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('all', () => {
  cases('f|contains|all', [
    [['curl', '| sh'], 'curl -s http://x | sh', true],
    [['curl', '| sh'], 'curl -s http://x', false],
    [['CURL', '| SH'], 'curl -s http://x | sh', true],
  ]);
  cases('f|all|contains', [[['curl', '| sh'], 'curl x | sh', true]]); // the order of the two does not matter
  cases('f|all', [
    [['a', 'b'], ['b', 'c', 'a'], true], // each value may match a different element
    [['a', 'd'], ['b', 'c', 'a'], false],
  ]);
  // Expanded values (windash, base64offset) stay ORed inside each value.
  cases('f|windash|contains|all', [
    [['-a', '-b'], 'x /a /b', true],
    [['-a', '-b'], 'x -a', false],
  ]);

  it('keyless |all searches every string of the event', () => {
    const m = compileDetection({ kw: { '|all': ['OabVirtualDirectory', ' -ExternalUrl '] }, condition: 'kw' }, { file: 't' });
    expect(m({ message: 'Set-OabVirtualDirectory -ExternalUrl http://x' })).toBe(true);
    expect(m({ message: 'Set-OabVirtualDirectory', other: { m: 'x -ExternalUrl y' } })).toBe(true);
    expect(m({ message: 'Get-OabVirtualDirectory' })).toBe(false);
  });

  refuses([
    ['f|all', 'x', 'RULE_INVALID', /'all' needs a list of at least two values/],
    ['f|contains|all', ['x'], 'RULE_INVALID', /'all' needs a list of at least two values/],
  ]);
});
