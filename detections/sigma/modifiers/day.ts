import { timePartModifier } from './time-part.js';

export const day = timePartModifier('day');
