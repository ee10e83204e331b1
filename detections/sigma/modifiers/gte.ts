import { compareModifier } from './compare.js';

export const gte = compareModifier('gte');
