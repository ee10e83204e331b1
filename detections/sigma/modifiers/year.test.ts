/** `year`: the year of the field's timestamp (Sigma 2.1 time modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('year', () => {
  cases('f|year', [
    [2026, '2026-03-01T12:00:00Z', true],
    [2025, '2026-03-01T12:00:00Z', false],
    [1970, 0, true],
    [2026, '1772368200', true], // epoch digits
  ]);
  cases('f|year|lt', [[2000, '1999-12-31', true]]);
  refuses([['f|year', 'last', 'RULE_INVALID', /'year' needs a whole number/]]);
});
