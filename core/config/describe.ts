/** Flattens the schema into one row per field, for docs and for tests that compare docs to it. */
import { DISCRIMINATOR, type Schema } from './dsl.js';
import { FORMATS } from './formats.js';
import { defaultOf } from './check.js';

export interface FieldDoc {
  /** `kafka.brokers`, `inputs[].port`; `[]` stands for any list item. */
  path: string;
  /** For fields of one union variant: that variant's `type` (e.g. `syslog`). */
  variant?: string;
  /** `string`, `integer 0..65535`, `"udp" | "tcp"`, `list of string`, `map of string`, `object`. */
  type: string;
  /** The default as YAML-ish text (`6`, `"vigil"`, `["rules/sigma"]`); absent when there is none. */
  default?: string;
  required: boolean;
  /** Holds a secret: prefer `${VAR}` over writing the value inline. */
  sensitive: boolean;
  /** Format constraint in words, when there is one. */
  format?: string;
  description: string;
}

export function describeSchema(schema: Schema): FieldDoc[] {
  const out: FieldDoc[] = [];
  walk(schema, '', undefined, out);
  return out;
}

function walk(schema: Schema, path: string, variant: string | undefined, out: FieldDoc[]): void {
  if (path) out.push(row(schema, path, variant));
  if (schema.kind === 'object') {
    for (const [name, field] of Object.entries(schema.fields)) walk(field, path ? `${path}.${name}` : name, variant, out);
  } else if (schema.kind === 'array' || schema.kind === 'map') {
    const inner = schema.kind === 'array' ? schema.items : schema.values;
    const innerPath = schema.kind === 'array' ? `${path}[]` : `${path}.<name>`;
    if (inner.kind === 'object') {
      for (const [name, field] of Object.entries(inner.fields)) walk(field, `${innerPath}.${name}`, variant, out);
    } else if (inner.kind === 'union') {
      const types = Object.keys(inner.variants);
      out.push({
        path: `${innerPath}.${DISCRIMINATOR}`,
        type: types.map((t) => JSON.stringify(t)).join(' | '),
        required: true,
        sensitive: false,
        description: inner.typeDescription,
      });
      for (const [type, v] of Object.entries(inner.variants)) {
        for (const [name, field] of Object.entries(v.fields)) walk(field, `${innerPath}.${name}`, type, out);
      }
    }
  }
}

function row(schema: Schema, path: string, variant: string | undefined): FieldDoc {
  const d = schema.kind === 'object' || schema.kind === 'union' ? undefined : defaultOf(schema);
  const doc: FieldDoc = {
    path,
    type: typeName(schema),
    required: !schema.optional && defaultOf(schema) === undefined,
    sensitive: schema.sensitive === true,
    description: schema.description,
  };
  if (variant) doc.variant = variant;
  if (d !== undefined) doc.default = JSON.stringify(d);
  if (schema.kind === 'string' && schema.format) doc.format = FORMATS[schema.format].describe;
  return doc;
}

function typeName(schema: Schema): string {
  switch (schema.kind) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number': {
      const base = schema.int ? 'integer' : 'number';
      const { min, max } = schema;
      if (min !== undefined && max !== undefined) return `${base} ${min}..${max}`;
      if (min !== undefined) return `${base} >= ${min}`;
      if (max !== undefined) return `${base} <= ${max}`;
      return base;
    }
    case 'enum':
      return schema.values.map((v) => JSON.stringify(v)).join(' | ');
    case 'array':
      return `list of ${schema.items.kind === 'enum' ? `(${typeName(schema.items)})` : typeName(schema.items)}${schema.minItems ? ` (at least ${schema.minItems})` : ''}`;
    case 'map':
      return `map of ${typeName(schema.values)}`;
    case 'object':
      return 'object';
    case 'union':
      return `${Object.keys(schema.variants).join(' | ')} (by ${DISCRIMINATOR})`;
    case 'free':
      return 'any YAML';
  }
}
