/**
 * Schema fields that inputs, sinks and core sections share, so that each component's own schema
 * (beside its code) says them the same way.
 */
import { number, string } from './dsl.js';

/** The `id` of an input or a sink: one namespace for both, since ids label metrics and name consumer groups. */
export const componentId = (what: string) =>
  string({
    description: `Unique id of this ${what}, shared by all inputs and sinks. Labels its metrics and logs and names its consumer group.`,
    format: 'id',
    uniqueIn: 'components',
  });

// A port of 0 lets the OS pick a free one, which tests rely on.
export const port = (description: string, extra: { default?: number } = {}) =>
  number({ description, int: true, min: 0, max: 65535, ...extra });
