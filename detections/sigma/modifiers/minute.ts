import { timePartModifier } from './time-part.js';

export const minute = timePartModifier('minute');
