export { startFileInput, type FileInput } from './input.js';
export { lineResults, type Line, type LineFormat } from './formats.js';
export { StateFile, defaultStateFile } from './state.js';
export { FILE_DEFAULTS, withFileDefaults } from './config.js';
export { pause } from './sleep.js';
