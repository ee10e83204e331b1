/** Tuning of the syslog listeners; these are not part of `vigil.yaml` yet. */
export interface SyslogServerOptions {
  /** UDP: datagrams per batch handed to the pipeline. Default 500. */
  udpBatchSize?: number;
  /** UDP: longest a datagram waits for its batch to fill, in ms. Default 20. */
  udpBatchWaitMs?: number;
  /** UDP: batches being published at once; past that and one full batch waiting, datagrams are dropped. Default 4. */
  udpMaxInFlight?: number;
  /** UDP: SO_RCVBUF asked for, in bytes (Linux caps it at net.core.rmem_max). Default 8 MiB. */
  udpReceiveBufferBytes?: number;
  /**
   * TCP/TLS: bytes of frames one connection may read ahead while its previous batch waits for
   * Kafka; past that, reading pauses (backpressure). 0 pauses as soon as a batch is in flight.
   * Default 4 MiB.
   */
  tcpReadAheadBytes?: number;
  /** Leading bytes of an oversized message kept in its dead letter. Default 1024. */
  errorSampleBytes?: number;
}

export type ResolvedServerOptions = Required<SyslogServerOptions>;

export const SERVER_DEFAULTS: ResolvedServerOptions = {
  udpBatchSize: 500,
  udpBatchWaitMs: 20,
  udpMaxInFlight: 4,
  udpReceiveBufferBytes: 8 * 1024 * 1024,
  tcpReadAheadBytes: 4 * 1024 * 1024,
  errorSampleBytes: 1024,
};

/** One open TCP connection, as `connections()` reports it. */
export interface ConnectionInfo {
  peer: string;
  /** True while reading is paused because a batch of this connection is being published. */
  paused: boolean;
  /** Batches of this connection handed to the pipeline and not yet resolved. */
  inFlight: number;
  bytesRead: number;
}

export interface RunningListener {
  /** The bound port (the ephemeral one when the config said 0). */
  port: number;
  /** Stops accepting, waits for in-flight batches, then resolves. */
  close(): Promise<void>;
  /** Open TCP connections (none for UDP). */
  connections(): ConnectionInfo[];
}
