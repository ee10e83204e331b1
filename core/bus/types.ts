/** A record to write to a topic. */
export interface OutRecord {
  /** Partitioning key; records with one key keep their order. */
  key?: string | null;
  /** An explicit partition instead of the key's (a record every partition must see). */
  partition?: number;
  value: Buffer | string;
  headers?: Record<string, string>;
  /** Event time in epoch milliseconds (Kafka record timestamp). */
  timestamp?: number;
}

/**
 * Writes records durably. `send` resolves only after Kafka acknowledged every record with
 * acks=all, so a caller may acknowledge its own sender (or commit its own input offset) then.
 */
export interface Publisher {
  send(topic: string, records: OutRecord[]): Promise<void>;
}

/** A record read from a topic. */
export interface InRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as a decimal string. */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Epoch milliseconds. */
  timestamp: number;
}

/**
 * Handles a batch of records of ONE partition, in offset order. The loop commits the offset
 * after the last record only when the returned promise resolves: the handler must have
 * delivered or dead-lettered every record by then. Throwing means "retry this batch"
 * (after backoff); it never skips records.
 */
export type BatchHandler = (records: InRecord[], ctx: BatchContext) => Promise<void>;

export interface BatchContext {
  topic: string;
  partition: number;
  /** Call while long work is in progress to keep the group membership alive. */
  heartbeat(): Promise<void>;
  /** True once shutdown started: finish the batch quickly. */
  isStopping(): boolean;
}

/** Logical topic names; the bus adds the configured prefix. */
export type TopicName = 'events' | 'alerts' | 'incidents' | 'actions' | 'deadletter';
