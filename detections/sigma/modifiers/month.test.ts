/** `month`: the month (1–12) of the field's timestamp (Sigma 2.1 time modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('month', () => {
  cases('f|month', [
    [3, '2026-03-01T12:00:00Z', true],
    [12, '2025-12-31T23:59:59Z', true],
    [3, '2026-04-01', false],
    ['3', '2026-03-15', true], // written as text
  ]);
  refuses([['f|month', 13, 'RULE_INVALID', /'month' needs a whole number from 1 to 12/]]);
});
