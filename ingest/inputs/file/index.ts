export { startFileInput, type FileInput } from './input.js';
export { lineResults, type Line, type LineFormat } from './formats.js';
export { FILE_DEFAULTS, withFileDefaults, schema, type FileInputConfig } from './config.js';
