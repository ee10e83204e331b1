import { argChecker } from './args.js';
import { checkPath, selectPath } from './jsonpath.js';
import type { ActionSpec } from './types.js';

const check = argChecker('transform');

/**
 * `transform`: picks values out of `input` (usually an earlier step's result) with JSONPath; no
 * script is ever evaluated. With `path` the result is the value (a list for a wildcard path);
 * with `fields` (name → path) an object of those values. A path that finds nothing yields
 * `default` (null when not given).
 */
export const transform: ActionSpec = {
  description: 'Selects values from input with JSONPath: path → value, or fields → {name: value}',
  args: { required: ['input'], optional: ['path', 'fields', 'default'] },
  inputs: {
    input: { type: 'any', required: true, description: 'the JSON to select from' },
    path: { type: 'string', required: false, description: 'one JSONPath, e.g. $.body.data.attributes' },
    fields: { type: 'object', required: false, description: 'name → JSONPath' },
    default: { type: 'any', required: false, description: 'the value of a path that finds nothing; default null' },
  },
  idempotent: true,
  run(args) {
    return Promise.resolve().then(() => {
      const { input, fields } = args;
      const fallback = args.default ?? null;
      const pick = (path: unknown, name: string): unknown => {
        if (typeof path !== 'string') return check.reject(`${name} must be a JSONPath string`);
        const checked = checkPath(path);
        if (typeof checked === 'string') return check.reject(`${name}: ${checked}`);
        const v = selectPath(checked, input);
        return v === undefined ? fallback : v;
      };
      if ((args.path === undefined) === (fields === undefined)) return check.reject('give either path or fields');
      if (args.path !== undefined) return pick(args.path, 'path');
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields))
        return check.reject('fields must be a map of name → JSONPath');
      return Object.fromEntries(Object.entries(fields).map(([k, p]) => [k, pick(p, `fields.${k}`)]));
    });
  },
};
