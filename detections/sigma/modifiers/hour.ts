import { timePartModifier } from './time-part.js';

export const hour = timePartModifier('hour');
