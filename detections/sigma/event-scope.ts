/**
 * The event being matched. While `matchEvent` runs one event through the prefilter and its
 * candidate rules, the shared field getters (`ecsFieldResolver`, pipelines' `pathsGetter`)
 * remember what they read from it: a field read by the index and by ten rules is looked up
 * once. Outside a scope (a matcher called on its own) nothing is remembered. The event must
 * not change while its scope is open.
 */
export interface EventScope {
  /** The event of the open scope. */
  current: object | undefined;
  /** Bumped whenever the scope changes: a value remembered under another epoch is stale. */
  epoch: number;
}

/** Read by the compiled getters of field-path.ts, which remember a value for the event of the open scope. */
export const scope: EventScope = { current: undefined, epoch: 0 };

/** Opens the scope of `event`; returns the event whose scope was open, to pass to `closeEvent`. */
export function openEvent(event: object): object | undefined {
  const previous = scope.current;
  scope.current = event;
  scope.epoch++;
  return previous;
}

/** Closes the scope `openEvent` opened, reopening the previous one (if any) afresh. */
export function closeEvent(previous: object | undefined): void {
  scope.current = previous;
  scope.epoch++;
}
