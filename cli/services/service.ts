import type { Logger } from '../../core/telemetry/index.js';
import type { ServicePorts } from './options.js';
import type { ServiceName, ServicePaths } from './paths.js';
import type { SpawnSpec } from './process.js';

/** What every service module gives the lifecycle (`lifecycle.ts`), which is the same for all three. */
export interface ServiceDef {
  name: ServiceName;
  /** The port clients use. */
  port: number;
  /** Every port the service binds on 127.0.0.1, the client port first; each is checked before starting. */
  binds: Array<{ port: number; role: string }>;
  paths: ServicePaths;
  readyTimeoutMs: number;
  /** How long SIGTERM gets before SIGKILL. */
  stopTimeoutMs: number;
  /** Commands that must be on PATH (installed with apt when missing). */
  commands: string[];
  /**
   * Whether a command line is this service from this state dir. Guards against a recycled pid:
   * we never signal a process whose command line does not match.
   */
  isOurs(cmdline: string): boolean;
  /** Fetches and unpacks what is missing; idempotent and quick when all is there. */
  install(): Promise<void>;
  /** Writes config, creates dirs, formats storage; returns what to launch. */
  prepare(): Promise<SpawnSpec>;
  /** One health check with a short timeout; never throws. */
  probe(): Promise<boolean>;
  /** Optional one-time check after the service is ready (e.g. that our client accepts it). */
  verify?(): Promise<void>;
}

/** What the three service factories receive. */
export interface ServiceContext {
  stateDir: string;
  ports: ServicePorts;
  readyTimeoutMs: number;
  log: Logger;
}
