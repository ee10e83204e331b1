import { utf16Modifier } from './encoding.js';

export const utf16le = utf16Modifier(
  'utf16le',
  'le',
  "the value is encoded as UTF-16 little-endian ('cmd' → 63 00 6d 00 64 00); use before base64",
);
