import { timePartModifier } from './time-part.js';

export const month = timePartModifier('month');
