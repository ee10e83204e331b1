/** `hour`: the hour (0–23) of the field's timestamp (Sigma 2.1 time modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('hour', () => {
  cases('f|hour', [
    [3, '2026-03-01T03:15:00Z', true],
    [3, '2026-03-01T13:15:00Z', false],
    [[0, 1, 2, 3, 4, 5], '2026-03-01T04:59:59Z', true], // a list ORs: night hours
    [23, '2026-03-01T23:10:00+02:00', true], // as written
  ]);
  // Comparisons on a time part: outside office hours.
  cases('f|hour|lt', [
    [7, '2026-03-01T06:00:00Z', true],
    [7, '2026-03-01T07:00:00Z', false],
  ]);
  cases('f|gte|hour', [[20, '2026-03-01T21:00:00Z', true]]); // either order
  refuses([
    ['f|hour', 24, 'RULE_INVALID', /'hour' needs a whole number from 0 to 23/],
    ['f|hour|contains', 3, 'RULE_INVALID', /'hour' compares numbers and cannot be combined with a string match/],
    ['f|hour|minute', 3, 'RULE_INVALID', /'minute' cannot follow 'hour'/],
    ['|hour', 3, 'RULE_INVALID', /'hour' needs a field/],
  ]);
});
