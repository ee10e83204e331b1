/**
 * A tiny schema language for Vigil's YAML configuration. A schema is plain data (no classes; the
 * only closures are the named string formats in `formats.ts` and an object's `check`), so one description drives the
 * loader (`check.ts`), `vigil validate`, the generated docs (`describeSchema`) and, through
 * `Infer`, a compile-time check that the schema and `types.ts` agree.
 *
 * A field is required when it has neither a `default` nor `optional: true`. Objects reject
 * unknown fields. A union picks its variant by the `type` field, from a registry object whose
 * keys are the allowed `type` values: adding a variant is one line there.
 */
import type { ErrorCode } from '../errors/index.js';
import type { FormatName } from './formats.js';
import type { RuleName } from './rules.js';

interface Meta {
  /** What the field means, with units and limits; the first sentence is its summary. */
  readonly description: string;
  /** May be absent and has no default; the loaded value then omits the key. */
  readonly optional?: boolean;
  /** Holds a secret: messages never echo its value and docs say so. */
  readonly sensitive?: boolean;
}

export interface StringSchema extends Meta {
  readonly kind: 'string';
  readonly default?: string;
  /** Shortest allowed length; `1` forbids the empty string. */
  readonly minLength?: number;
  /** A named check from `formats.ts` (URL, `host:port`, id, time zone). */
  readonly format?: FormatName;
  /**
   * Values must be unique across every field carrying the same key, wherever it sits in the
   * document (component ids share one namespace, since they label metrics and consumer groups).
   */
  readonly uniqueIn?: string;
}

export interface NumberSchema extends Meta {
  readonly kind: 'number';
  readonly default?: number;
  readonly int?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanSchema extends Meta {
  readonly kind: 'boolean';
  readonly default?: boolean;
}

export interface EnumSchema<V extends string = string> extends Meta {
  readonly kind: 'enum';
  readonly values: readonly V[];
  readonly default?: V;
}

export interface ArraySchema<I extends Schema = Schema> extends Meta {
  readonly kind: 'array';
  readonly items: I;
  readonly default?: readonly unknown[];
  readonly minItems?: number;
}

export interface MapSchema<V extends Schema = Schema> extends Meta {
  readonly kind: 'map';
  /** Schema of every value; keys are free-form strings. */
  readonly values: V;
  readonly default?: Readonly<Record<string, unknown>>;
}

/**
 * Any YAML value, kept as plain data (a Sigma detection block): what it must look like is too
 * free for the schema language, so the object that holds it checks it in its `check`.
 */
export interface FreeSchema extends Meta {
  readonly kind: 'free';
}

export type Fields = Readonly<Record<string, Schema>>;

/** An object's default is built from its fields' defaults; it has none of its own. */
export interface ObjectSchema<F extends Fields = Fields> extends Meta {
  readonly kind: 'object';
  readonly fields: F;
  /** A named check from `rules.ts` over the whole object, once its fields passed. */
  readonly rule?: RuleName;
  /**
   * A check over the whole object, once its fields passed, for what one field's schema cannot
   * say; it sits beside the schema of the component that owns it (an input's auth, say).
   */
  readonly check?: ObjectCheck;
}

/** A problem with one object of the config, located at one of its fields. */
export interface FieldProblem {
  code: ErrorCode;
  message: string;
  /** The field at fault, dotted, relative to the object; the object itself when it is absent. */
  field: string;
}

/** Problems of one checked object; none when it is fine. */
export type ObjectCheck = (value: unknown) => FieldProblem[];

/** Objects told apart by their `type` field; `variants` is the registry, keyed by `type`. */
export interface UnionSchema<V extends Readonly<Record<string, ObjectSchema>> = Readonly<Record<string, ObjectSchema>>> extends Meta {
  readonly kind: 'union';
  readonly variants: V;
  /** Described in docs as the `type` field of the union. */
  readonly typeDescription: string;
}

export type Schema =
  StringSchema | NumberSchema | BooleanSchema | EnumSchema | ArraySchema | MapSchema | ObjectSchema | UnionSchema | FreeSchema;

/** The discriminator of every union. Kept as a constant so that docs and checks agree. */
export const DISCRIMINATOR = 'type';

// ---- builders: they only add `kind`, but keep literal types so that `Infer` works ----

type Opts<S> = Omit<S, 'kind'>;

export const string = <const M extends Opts<StringSchema>>(m: M) => ({ kind: 'string' as const, ...m });
export const number = <const M extends Opts<NumberSchema>>(m: M) => ({ kind: 'number' as const, ...m });
export const boolean = <const M extends Opts<BooleanSchema>>(m: M) => ({ kind: 'boolean' as const, ...m });
export const oneOf = <const M extends Opts<EnumSchema>>(m: M) => ({ kind: 'enum' as const, ...m });
export const array = <const M extends Opts<ArraySchema>>(m: M) => ({ kind: 'array' as const, ...m });
export const map = <const M extends Opts<MapSchema>>(m: M) => ({ kind: 'map' as const, ...m });
export const object = <const M extends Opts<ObjectSchema>>(m: M) => ({ kind: 'object' as const, ...m });
export const union = <const M extends Opts<UnionSchema>>(m: M) => ({ kind: 'union' as const, ...m });
export const free = <const M extends Opts<FreeSchema>>(m: M) => ({ kind: 'free' as const, ...m });

// ---- the TypeScript type a schema loads to ----

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<F> = { [K in keyof F]: F[K] extends { optional: true } ? K : never }[keyof F];
type InferFields<F> = Simplify<
  { -readonly [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & {
    -readonly [K in OptionalKeys<F>]?: Infer<F[K]>;
  }
>;

/** The value `check.ts` produces for a schema, defaults applied. */
export type Infer<S> = S extends { kind: 'string' }
  ? string
  : S extends { kind: 'number' }
    ? number
    : S extends { kind: 'boolean' }
      ? boolean
      : S extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : S extends { kind: 'array'; items: infer I }
          ? Array<Infer<I>>
          : S extends { kind: 'map'; values: infer V }
            ? Record<string, Infer<V>>
            : S extends { kind: 'object'; fields: infer F }
              ? InferFields<F>
              : S extends { kind: 'union'; variants: infer V }
                ? { [K in keyof V & string]: Simplify<{ type: K } & Infer<V[K]>> }[keyof V & string]
                : S extends { kind: 'free' }
                  ? unknown
                  : never;

type DefaultedKeys<F> = { [K in keyof F]: F[K] extends { default: unknown } ? K : never }[keyof F];

/** The fields of an object schema that declare a `default`, with their loaded types (see `defaultsOf`). */
export type DefaultsOf<S> = S extends { kind: 'object'; fields: infer F }
  ? Simplify<{ -readonly [K in DefaultedKeys<F>]: Infer<F[K]> }>
  : never;

/** `true` when A and B are assignable both ways: same keys, same optionality, same value types. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
