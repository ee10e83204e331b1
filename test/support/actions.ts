/** What tests of playbook actions share: a context to call an action with, and the error a call fails with. */
import { VigilError } from '../../core/errors/index.js';
import type { ActionContext } from '../../playbooks/actions/types.js';

/** A context that may reach loopback, where the stand-ins and local servers listen (non-public addresses need an allow). */
export function loopbackContext(more: Omit<ActionContext, 'signal'> = {}): ActionContext {
  return { signal: new AbortController().signal, network: { allow: ['127.0.0.1'] }, ...more };
}

/** The VigilError `p` rejects with; anything else it rejects with is thrown again, and success fails the test. */
export async function failure(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VigilError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}
