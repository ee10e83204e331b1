/** A running part of the pipeline (an input, the detection engine, the responder, a sink). */
export interface RunningStage {
  name: string;
  /** Stops taking new work, finishes and acknowledges what is in progress, releases resources. */
  close(): Promise<void>;
  /** Ports the stage listens on, by name (inputs report theirs here). */
  ports?: Record<string, number>;
}
