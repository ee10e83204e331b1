import { utf16Modifier } from './encoding.js';

export const utf16 = utf16Modifier(
  'utf16',
  'bom',
  'the value is encoded as UTF-16 little-endian after a byte order mark (FF FE); use before base64',
);
