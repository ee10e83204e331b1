import { compareModifier } from './compare.js';

export const gt = compareModifier('gt');
