/** `day`: the day of the month (1–31) of the field's timestamp (Sigma 2.1 time modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('day', () => {
  cases('f|day', [
    [1, '2026-03-01T12:00:00Z', true],
    [31, '2026-12-31', true],
    [2, '2026-03-01T12:00:00Z', false],
    [1, 0, true], // epoch 0 is 1970-01-01
  ]);
  refuses([['f|day', 0, 'RULE_INVALID', /'day' needs a whole number from 1 to 31/]]);
});
