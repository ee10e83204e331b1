export { ERROR_CODES, type ErrorCode } from './codes.js';
export { VigilError, isVigilError, errorMessage, formatLocation, type Location } from './vigil-error.js';
export { firstYamlErrors, MAX_YAML_ERRORS, type YamlErrorLike } from './yaml.js';
