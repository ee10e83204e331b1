import { utf16Modifier } from './encoding.js';

export const utf16be = utf16Modifier(
  'utf16be',
  'be',
  "the value is encoded as UTF-16 big-endian ('cmd' → 00 63 00 6d 00 64); use before base64",
);
