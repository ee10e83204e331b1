/**
 * The registry of Sigma value modifiers, keyed by the name a rule writes after `|`.
 * The `ModifierName` union is derived from its keys.
 */
import { all } from './all.js';
import { contains } from './contains.js';
import { endswith } from './endswith.js';
import { startswith } from './startswith.js';
import type { Modifier } from './types.js';

export const MODIFIERS = {
  all,
  contains,
  endswith,
  startswith,
} as const satisfies Record<string, Modifier>;

export type ModifierName = keyof typeof MODIFIERS;

export function isModifierName(name: string): name is ModifierName {
  return Object.hasOwn(MODIFIERS, name);
}

/**
 * Modifiers of Sigma 2.1 that Vigil does not implement yet. A rule using one is rejected as
 * unsupported (RULE_UNSUPPORTED), not as a typo; move a name from here into `MODIFIERS`
 * when it lands. `i`, `m` and `s` are the flags of `re`.
 */
export const PLANNED_MODIFIERS: readonly string[] = [
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
];

export { ModifierError, type Modifier, type ModifierContext, type SigmaValue, type ValuePlan } from './types.js';
