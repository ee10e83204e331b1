import type { Consumer } from 'kafkajs';

/**
 * Whether a consumer loop consumes. `restarting`: kafkajs crashed it on a retriable error and
 * starts it again by itself; `crashed`: a non-retriable error stopped it for good (kafkajs's
 * CRASH event with `restart: false`), and only a restart of the process brings it back;
 * `stalled`: the loop runs but its batches fail with an error that waiting will not fix (an ACL,
 * a credential), so nothing moves until an operator fixes it. The loop keeps retrying, so the
 * fix heals it without a restart.
 */
export type ConsumerStatus = 'starting' | 'running' | 'restarting' | 'crashed' | 'stalled' | 'stopped';

export interface ConsumerState {
  status: ConsumerStatus;
  /** The crash error, while `restarting` or `crashed`. */
  error?: string;
  /** Epoch ms of the last change. */
  since: number;
}

/** What /health/ready and the lag gauge need to know of a consumer loop. */
export interface ConsumerHealth {
  readonly groupId: string;
  readonly topics: readonly string[];
  state(): ConsumerState;
}

export interface ConsumerStateTracker {
  state(): ConsumerState;
  /** A batch failed with an error retrying cannot fix; `error` says what an operator must change. */
  stalled(error: string): void;
  /** A batch went through: a stall (if any) is over. */
  delivered(): void;
}

/**
 * Follows a kafkajs consumer through its instrumentation events. A join (first or after a
 * kafkajs restart) means running; a crash means restarting or crashed; a stop the loop did not
 * ask for (`isStopping` false) is a crash too. The loop itself reports stalls and recoveries.
 */
export function trackConsumerState(consumer: Consumer, isStopping: () => boolean): ConsumerStateTracker {
  let state: ConsumerState = { status: 'starting', since: Date.now() };
  const set = (status: ConsumerStatus, error?: string) => {
    state = { status, since: Date.now(), ...(error !== undefined ? { error } : {}) };
  };
  consumer.on(consumer.events.GROUP_JOIN, () => set('running'));
  consumer.on(consumer.events.CRASH, (e) => set(e.payload.restart ? 'restarting' : 'crashed', String(e.payload.error)));
  consumer.on(consumer.events.STOP, () => {
    // kafkajs stops the consumer itself before it reports a crash; the crash event then decides.
    if (isStopping()) set('stopped');
  });
  return {
    state: () => state,
    stalled(error) {
      if (state.status === 'running' || (state.status === 'stalled' && state.error !== error)) set('stalled', error);
    },
    delivered() {
      if (state.status === 'stalled') set('running');
    },
  };
}
