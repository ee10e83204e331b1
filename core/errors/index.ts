export { ERROR_CODES, type ErrorCode } from './codes.js';
export { VigilError, isVigilError, errorMessage, formatLocation, type Location } from './vigil-error.js';
