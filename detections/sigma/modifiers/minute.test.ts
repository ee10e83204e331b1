/** `minute`: the minute (0–59) of the field's timestamp (Sigma 2.1 time modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('minute', () => {
  cases('f|minute', [
    [30, '2026-03-01T12:30:05Z', true],
    [30, '2026-03-01 12:30:05.123', true],
    [30, '2026-03-01T12:31:00Z', false],
    [0, '2026-03-01T00:00:00+02:00', true], // as written: no time-zone conversion
    [30, '2026-03-01', false], // no time of day
    [30, 'yesterday', false],
    [30, 1_772_368_200, true], // epoch seconds, UTC: 2026-03-01T12:30:00Z
    [30, 1_772_368_200_000, true], // epoch milliseconds
  ]);
  refuses([
    ['f|minute', 60, 'RULE_INVALID', /'minute' needs a whole number from 0 to 59/],
    ['f|minute', 1.5, 'RULE_INVALID', /'minute' needs a whole number/],
  ]);
});
