/** What every action receives besides its rendered args. */
export interface ActionContext {
  /** Aborted when the step's `timeout` expires or the worker shuts down; an action must stop then. */
  signal: AbortSignal;
}

/**
 * One action family member, keyed by its YAML name in the registry. `run` throws VigilError
 * ACTION_FAILED for what may succeed later (it is retried per the step's `retry`) and
 * ACTION_REJECTED for what never will; its result must be JSON (it is stored in Redis and
 * written to the audit trail).
 */
export interface ActionSpec {
  /** One line for `vigil validate` and docs. */
  description: string;
  /** Argument names, checked when a playbook loads (values are checked at run time, after templating). */
  args: { required: readonly string[]; optional: readonly string[] };
  run(args: Readonly<Record<string, unknown>>, ctx: ActionContext): Promise<unknown>;
}
