import { timePartModifier } from './time-part.js';

export const week = timePartModifier('week');
