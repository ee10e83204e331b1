import { ERROR_CODES, type ErrorCode } from './codes.js';

/** Where a problem is: a file position and/or a field path such as `inputs[0].port`. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  path?: string;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  const pos = loc.file ? [loc.file, loc.line, loc.column].filter((p) => p !== undefined).join(':') : '';
  return [pos, loc.path].filter(Boolean).join(' ');
}

/** The one root error of Vigil: a catalogued code, a retriable flag, an optional location and cause. */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly location: Location | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; location?: Location; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    this.location = options.location;
  }

  /** `file:line:col path: message [CODE]` — the form every CLI prints. */
  describe(): string {
    const where = formatLocation(this.location);
    return `${where ? `${where}: ` : ''}${this.message} [${this.code}]`;
  }
}

export function isVigilError(err: unknown, code?: ErrorCode): err is VigilError {
  return err instanceof VigilError && (code === undefined || err.code === code);
}

export function errorMessage(err: unknown): string {
  if (err instanceof VigilError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
