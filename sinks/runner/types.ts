import type { InRecord } from '../../core/bus/index.js';

/** The Vigil topics a sink can read, by logical name. */
export type SinkTopic = 'events' | 'alerts' | 'incidents' | 'actions';

/** What the runner can read: `deadletter` too, for a sink with its own intake (elasticsearch indexes dead letters). */
export type ReadTopic = SinkTopic | 'deadletter';

/** What the runner needs of a record a sink delivers: the Kafka record it came from, for its dead letter. */
export interface Deliverable {
  readonly source: InRecord;
}

/** One record on its way to a sink: the document after its route, and the Kafka record it came from. */
export interface Outgoing {
  /** The logical topic the record was read from. */
  readonly topic: SinkTopic;
  /** The document to send, after the route's transforms. The sink may read it, never mutate it. */
  readonly doc: Readonly<Record<string, unknown>>;
  /** The route that let it through (`default` when the sink has no routes). */
  readonly route: string;
  /** The Kafka record it came from (for an aggregate, the last one rolled into it): dead letters keep its bytes. */
  readonly source: InRecord;
  /**
   * `doc` as JSON, made once on first read (the route's byte count reads it too): a sink that
   * sends JSON uses `o.json ?? JSON.stringify(o.doc)` and never serializes a document twice.
   * Always set by the runner; optional so that tests may hand a sink plain objects.
   */
  readonly json?: string;
}

/** What became of one record a sink was asked to deliver. */
export type Verdict =
  | { readonly outcome: 'ok' }
  /** This record was refused for now (a bulk item's 429, an unavailable shard): sent again after a backoff, dead-lettered after `maxRetries`. */
  | { readonly outcome: 'retry'; readonly reason: string }
  /** Refused for good (mapping conflict, too large, bad request): dead-lettered at once with the reason. */
  | { readonly outcome: 'reject'; readonly reason: string }
  /**
   * The far end said nothing about this record: its answer was about the whole request (408, 429,
   * 5xx, a refused credential) or there was none (connection refused, timeout). One such verdict
   * fails the whole call: the runner sends every record of it again, without limit, spending no
   * record's `maxRetries` and dead-lettering nothing, after its backoff or `retryAfterMs` (the far
   * end's Retry-After, capped by the sink), whichever is longer.
   */
  | { readonly outcome: 'unavailable'; readonly reason: string; readonly retryAfterMs?: number };

export interface DeliverContext {
  /** Aborted when the attempt timed out or the sink is stopping: give up the request. */
  readonly signal: AbortSignal;
  /** 1 for the first try of these records, then 2, 3… */
  readonly attempt: number;
}

/**
 * The one thing a sink writes: send `batch` and say what became of each record, one verdict per
 * record in the same order. An `unavailable` verdict, or a throw, means "the whole call failed,
 * retriably" (the endpoint is down, a connection reset): the runner retries the batch without
 * limit, because a sink that is down must not empty the topic into the dead letter.
 */
export type DeliverFn<O extends Deliverable = Outgoing> = (batch: readonly O[], ctx: DeliverContext) => Promise<readonly Verdict[]>;

/** A parsed record as the runner hands it to the router; the router may change `doc` in place. */
export interface Parsed {
  topic: SinkTopic;
  doc: Record<string, unknown>;
  source: InRecord;
}

/** What a router made of one batch. */
export interface RoutedBatch {
  readonly out: Outgoing[];
  /**
   * Called once the batch was delivered or dead-lettered, before its commit: only then does the
   * router count it and remember what it sent (dedupe), so that a batch retried after a failure
   * is neither counted twice nor dropped as a duplicate of an attempt that never arrived.
   */
  settle(): void;
}

/** Turns one partition's batch of parsed records into what the sink receives (routes; see sinks/routes). */
export interface Router {
  route(records: Parsed[]): RoutedBatch;
}

/**
 * What a sink that reads records its own way makes of one partition's batch, in place of the
 * runner's JSON parsing and routes (elasticsearch: a tombstone becomes a delete, and the batch is
 * deduplicated by document id so that its requests can go at once).
 */
export interface Intake<O extends Deliverable = Outgoing> {
  /** What to deliver, in order. */
  readonly out: O[];
  /** Records that cannot be delivered: dead-lettered as EVENT_INVALID with `reason` as given. */
  readonly invalid: ReadonlyArray<{ readonly record: InRecord; readonly reason: string }>;
  /** Records that need no delivery of their own (a later record of the batch replaces them): counted as sent. */
  readonly superseded: number;
}

export type IntakeFn<O extends Deliverable = Outgoing> = (records: readonly InRecord[], topic: ReadTopic) => Intake<O>;
