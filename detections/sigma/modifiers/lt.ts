import { compareModifier } from './compare.js';

export const lt = compareModifier('lt');
