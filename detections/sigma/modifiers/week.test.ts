/** `week`: the ISO 8601 week number of the field's timestamp (Sigma 2.1 time modifiers). */
import { describe } from 'vitest';
import { cases, refuses } from '../../../test/support/sigma.js';

describe('week', () => {
  cases('f|week', [
    [1, '2026-01-01', true], // a Thursday: week 1
    [53, '2026-12-31', true], // 2026 starts on Thursday: 53 weeks
    [1, '2024-12-30', true], // a Monday in week 1 of 2025
    [52, '2023-01-01', true], // a Sunday in the last week of 2022
    [10, '2026-03-02T08:00:00Z', true],
    [10, '2026-03-01T08:00:00Z', false], // the Sunday before
  ]);
  refuses([['f|week', 54, 'RULE_INVALID', /'week' needs a whole number from 1 to 53/]]);
});
