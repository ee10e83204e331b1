/**
 * The shapes of request bodies and query strings, as data: one definition both validates a
 * request (every problem named by its field) and becomes the JSON Schema of the OpenAPI
 * document, so the two cannot disagree.
 */

export type Shape = StringShape | IntegerShape | BooleanShape | ObjectShape | MapShape;

interface Base {
  readonly description: string;
  /** May be absent. */
  readonly optional?: boolean;
}
export interface StringShape extends Base {
  readonly type: 'string';
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /** `date-time`: RFC 3339, checked with `Date.parse`. */
  readonly format?: 'date-time';
}
export interface IntegerShape extends Base {
  readonly type: 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
}
export interface BooleanShape extends Base {
  readonly type: 'boolean';
}
export interface ObjectShape extends Base {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, Shape>>;
}
/** An object with free keys and values of one shape (playbook inputs). */
export interface MapShape extends Base {
  readonly type: 'map';
  readonly values: 'scalar-or-list';
}

export const str = (description: string, o: Omit<StringShape, 'type' | 'description'> = {}): StringShape => ({
  type: 'string',
  description,
  ...o,
});
export const int = (description: string, o: Omit<IntegerShape, 'type' | 'description'> = {}): IntegerShape => ({
  type: 'integer',
  description,
  ...o,
});
export const obj = (description: string, properties: Record<string, Shape>, o: { optional?: boolean } = {}): ObjectShape => ({
  type: 'object',
  description,
  properties,
  ...o,
});

/** A problem with one field of a request; `field` is dotted from the body or query root. */
export interface FieldIssue {
  field: string;
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks `value` against `shape`; returns every problem. Query strings arrive as text, so with
 * `fromQuery` integers and booleans are read from their text first (and `coerce` returns them).
 */
export function check(shape: Shape, value: unknown, field: string, issues: FieldIssue[], fromQuery = false): unknown {
  if (value === undefined) {
    if (!shape.optional) issues.push({ field, message: 'is required' });
    return undefined;
  }
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return void issues.push({ field, message: 'must be a string' });
      if (shape.minLength !== undefined && value.length < shape.minLength)
        issues.push({ field, message: shape.minLength === 1 ? 'must not be empty' : `must be at least ${shape.minLength} characters` });
      if (shape.maxLength !== undefined && value.length > shape.maxLength)
        issues.push({ field, message: `must be at most ${shape.maxLength} characters` });
      if (shape.enum && !shape.enum.includes(value)) issues.push({ field, message: `must be one of ${shape.enum.join(', ')}` });
      if (shape.format === 'date-time' && !Number.isFinite(Date.parse(value))) issues.push({ field, message: 'must be an RFC 3339 time' });
      return value;
    }
    case 'integer': {
      const n = fromQuery && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) return void issues.push({ field, message: 'must be a whole number' });
      if (shape.minimum !== undefined && n < shape.minimum) issues.push({ field, message: `must be at least ${shape.minimum}` });
      if (shape.maximum !== undefined && n > shape.maximum) issues.push({ field, message: `must be at most ${shape.maximum}` });
      return n;
    }
    case 'boolean': {
      const b = fromQuery && (value === 'true' || value === 'false') ? value === 'true' : value;
      if (typeof b !== 'boolean') return void issues.push({ field, message: 'must be true or false' });
      return b;
    }
    case 'map': {
      if (!isRecord(value)) return void issues.push({ field, message: 'must be an object' });
      for (const [k, v] of Object.entries(value)) {
        const ok = ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
        if (!ok) issues.push({ field: `${field}.${k}`, message: 'must be a string, number, boolean or list of strings' });
      }
      return value;
    }
    case 'object': {
      if (!isRecord(value)) return void issues.push({ field: field || '(body)', message: 'must be a JSON object' });
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value)) {
        if (!(k in shape.properties)) issues.push({ field: join(field, k), message: 'is not a known field' });
      }
      for (const [k, s] of Object.entries(shape.properties)) {
        const v = check(s, value[k], join(field, k), issues, fromQuery);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
  }
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

/** The JSON Schema (2020-12, as OpenAPI 3.1 uses) of a shape. */
export function jsonSchema(shape: Shape): Record<string, unknown> {
  const base = { description: shape.description };
  switch (shape.type) {
    case 'string':
      return {
        ...base,
        type: 'string',
        ...(shape.enum ? { enum: [...shape.enum] } : {}),
        ...(shape.minLength !== undefined ? { minLength: shape.minLength } : {}),
        ...(shape.maxLength !== undefined ? { maxLength: shape.maxLength } : {}),
        ...(shape.format ? { format: shape.format } : {}),
      };
    case 'integer':
      return {
        ...base,
        type: 'integer',
        ...(shape.minimum !== undefined ? { minimum: shape.minimum } : {}),
        ...(shape.maximum !== undefined ? { maximum: shape.maximum } : {}),
      };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'map':
      return {
        ...base,
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean', 'array'], items: { type: 'string' } },
      };
    case 'object':
      return {
        ...base,
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(shape.properties).map(([k, s]) => [k, jsonSchema(s)])),
        required: Object.entries(shape.properties)
          .filter(([, s]) => !s.optional)
          .map(([k]) => k),
      };
  }
}
