/**
 * What a sink's delivery function is handed, for sink unit tests: records as the runner makes
 * them, and the context of one attempt.
 */
import type { InRecord } from '../../core/bus/index.js';
import type { Outgoing } from '../../sinks/runner/index.js';

/** A Kafka record the outgoing document was read from (its value is not read by deliveries). */
export const sourceRecord = (timestamp = 0): InRecord => ({
  topic: 't',
  partition: 0,
  offset: '0',
  key: null,
  value: Buffer.from('{}'),
  headers: {},
  timestamp,
});

/** `doc` on the events topic, default route, read from a record of 2026-01-01T00:00:00Z. */
export const outgoing = (doc: Record<string, unknown>): Outgoing => ({
  topic: 'events',
  doc,
  route: 'default',
  source: sourceRecord(Date.UTC(2026, 0, 1)),
});

/** The first attempt, never aborted. */
export const firstAttempt = () => ({ signal: new AbortController().signal, attempt: 1 });
