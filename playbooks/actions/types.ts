import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Publisher } from '../../core/bus/index.js';
import type { NetworkPolicy } from './net/guard.js';

/** What every action receives besides its rendered args. */
export interface ActionContext {
  /** Aborted when the step's `timeout` expires or the worker shuts down; an action must stop then. */
  signal: AbortSignal;
  /**
   * Stable across retries of one step attempt: an action sends it where its target dedups
   * (an `Idempotency-Key` header, or the vendor's own field such as PagerDuty's `dedup_key`).
   */
  idempotencyKey?: string;
  /**
   * The non-public hosts an action that connects out may reach (the step's `allow_hosts` with
   * `playbooks.network.allow`); absent: public addresses only.
   */
  network?: NetworkPolicy;
  /** Connections the worker owns; an action that needs one it was not given is ACTION_REJECTED. */
  services?: ActionServices;
  /**
   * Removes every form of every configured secret from a text. The runner redacts what an action
   * returns or throws; an action that cuts a text it received must redact it before the cut, or a
   * secret straddling the cut leaves a prefix nothing can recognize afterwards.
   */
  redact?: (text: string) => string;
}

/** The worker's connections that core actions use instead of opening their own. */
export interface ActionServices {
  /** For `kafka.produce`: the bus's producer (acks=all). */
  publisher?: Publisher;
  /** For `elasticsearch.query`: a client from `esClient` (sinks/elasticsearch). */
  elasticsearch?: Client;
  /** For `incident.update`: `vigil.incident-status`, provisioned, where incident changes go (through `publisher`). */
  incidents?: { topic: string };
  /** For `edl.add` / `edl.remove`: the responder's Redis client and key prefix (the lists live there). */
  redis?: { client: Redis; prefix: string };
}

/** One declared input, for `vigil playbooks actions` and docs. */
export interface ActionInput {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'url' | 'any';
  required: boolean;
  description?: string;
  /** Never logged or shown; a playbook passes it as `${{ secrets.NAME }}`. */
  secret?: boolean;
  /** The value when the step does not give one. */
  default?: unknown;
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
  /** Types and descriptions of the args, where declared. */
  inputs?: Readonly<Record<string, ActionInput>>;
  /**
   * True when running it twice has the effect of once (a read, or a call the target dedups by
   * the idempotency key): only such an action is retried after a crash left its outcome unknown.
   */
  idempotent?: boolean;
  /** When given, decides per call (from its rendered args) instead of `idempotent`. */
  idempotentFor?: (args: Readonly<Record<string, unknown>>) => boolean;
  /** At most `requests` calls per `perMs` from one worker process (the target's published limit, else a gentle one); more wait. */
  rateLimit?: { requests: number; perMs: number };
  run(args: Readonly<Record<string, unknown>>, ctx: ActionContext): Promise<unknown>;
}
