import { timePartModifier } from './time-part.js';

export const year = timePartModifier('year');
