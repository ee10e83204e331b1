export type * from './types.js';
export { configLoader, ConfigError, type ConfigLoader } from './load.js';
export { describeSchema, type FieldDoc } from './describe.js';
export { vigilSchemaWith, VIGIL_TOPICS, type ComponentSchemas } from './schema.js';
export { componentId, port } from './fields.js';
export type { Env } from './env.js';
export type { FieldProblem, Infer, ObjectCheck, ObjectSchema } from './dsl.js';
