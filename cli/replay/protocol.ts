import type { PackedFrames } from '../../ingest/workers/codec.js';

/** What a replay worker is started with: the rules to load, as the main thread loaded them. */
export interface ReplayWorkerData {
  rules: string[];
  pipeline: string;
  /** The parsed-rule cache the main thread loaded through (and saved); unset: `--no-cache`. */
  cacheDir?: string | undefined;
  /** Epoch ms: the replay's `now` (alerts' `event.created`). */
  now: number;
}

/** A batch of record values; each frame's `peer` is where the record was (`partition@offset`). */
export interface ReplayBatch {
  id: number;
  records: PackedFrames;
}

/** What matching one batch gave, in record order. */
export interface ReplayResults {
  /** The alerts, JSON texts back to back. */
  alerts: ArrayBuffer;
  alertEnds: Int32Array;
  /** Per alert: its `vigil.id`, rule id, rule title, level and `@timestamp`, so that the main thread need not parse it. */
  alertMeta: Array<[id: string, rule: string, title: string, level: string, time: string]>;
  /** The records a correlation's base rule matched: their values back to back, their index and event time. */
  kept: ArrayBuffer;
  keptEnds: Int32Array;
  keptRecords: Int32Array;
  keptTimes: Float64Array;
  unreadable: Array<{ index: number; reason: string }>;
  ruleErrors: Array<{ index: number; rule: string; message: string }>;
}

export type ReplayReply = { id: number; results: ReplayResults } | { id: number; error: string };
