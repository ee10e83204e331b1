/**
 * The registry of Sigma value modifiers (Sigma 2.1 modifiers appendix), keyed by the name a
 * rule writes after `|`. The `ModifierName` union is derived from its keys.
 */
import { all } from './all.js';
import { base64 } from './base64.js';
import { base64offset } from './base64offset.js';
import { cased } from './cased.js';
import { cidr } from './cidr.js';
import { contains } from './contains.js';
import { day } from './day.js';
import { endswith } from './endswith.js';
import { exists } from './exists.js';
import { expand } from './expand.js';
import { fieldref } from './fieldref.js';
import { gt } from './gt.js';
import { gte } from './gte.js';
import { hour } from './hour.js';
import { i } from './i.js';
import { intel } from './intel.js';
import { lt } from './lt.js';
import { lte } from './lte.js';
import { m } from './m.js';
import { minute } from './minute.js';
import { month } from './month.js';
import { neq } from './neq.js';
import { re, regexFlag } from './re.js';
import { s } from './s.js';
import { startswith } from './startswith.js';
import type { Modifier } from './types.js';
import { utf16 } from './utf16.js';
import { utf16be } from './utf16be.js';
import { utf16le } from './utf16le.js';
import { week } from './week.js';
import { wide } from './wide.js';
import { windash } from './windash.js';
import { year } from './year.js';

export const MODIFIERS = {
  // generic
  all,
  startswith,
  endswith,
  contains,
  exists,
  cased,
  neq,
  // strings
  windash,
  re,
  i,
  m,
  s,
  // pySigma's long names for the flags of `re`
  ignorecase: regexFlag('ignorecase', 'i', "an alias of 'i'"),
  multiline: regexFlag('multiline', 'm', "an alias of 'm'"),
  dotall: regexFlag('dotall', 's', "an alias of 's'"),
  // encodings
  base64,
  base64offset,
  utf16le,
  utf16be,
  utf16,
  wide,
  // numbers
  lt,
  lte,
  gt,
  gte,
  // timestamps
  minute,
  hour,
  day,
  week,
  month,
  year,
  // networks
  cidr,
  // threat intelligence
  intel,
  // specific
  expand,
  fieldref,
} as const satisfies Record<string, Modifier>;

export type ModifierName = keyof typeof MODIFIERS;

export function isModifierName(name: string): name is ModifierName {
  return Object.hasOwn(MODIFIERS, name);
}

export {
  ModifierError,
  type Modifier,
  type ModifierContext,
  type Placeholders,
  type SigmaValue,
  type TimePart,
  type ValuePlan,
} from './types.js';
