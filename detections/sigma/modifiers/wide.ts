import { utf16Modifier } from './encoding.js';

export const wide = utf16Modifier('wide', 'le', "an alias of 'utf16le'");
