import { compareModifier } from './compare.js';

export const lte = compareModifier('lte');
