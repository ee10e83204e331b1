import type { ActionSpec } from './types.js';
import { httpRequest } from './http.js';

/** Every action a playbook step may name, one line each; the YAML `action` is the key. */
export const ACTIONS = {
  'http.request': httpRequest,
} as const satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name);
}

export type { ActionSpec, ActionContext } from './types.js';
