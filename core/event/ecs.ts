/**
 * The Elastic Common Schema event as Vigil carries it on `vigil.events`: nested JSON objects
 * (`{ source: { ip } }`, not dotted keys). Known fields are typed; anything else an ECS
 * producer may add is allowed.
 */
export interface EcsEvent {
  '@timestamp': string;
  message?: string;
  tags?: string[];
  labels?: Record<string, string>;
  event?: {
    kind?: 'alert' | 'asset' | 'enrichment' | 'event' | 'metric' | 'state' | 'pipeline_error' | 'signal';
    category?: string[];
    type?: string[];
    outcome?: 'success' | 'failure' | 'unknown';
    action?: string;
    code?: string;
    dataset?: string;
    module?: string;
    provider?: string;
    severity?: number;
    original?: string;
    created?: string;
    ingested?: string;
    id?: string;
    reason?: string;
    [k: string]: unknown;
  };
  host?: { name?: string; hostname?: string; ip?: string[]; [k: string]: unknown };
  source?: { ip?: string; port?: number; address?: string; [k: string]: unknown };
  destination?: { ip?: string; port?: number; address?: string; [k: string]: unknown };
  user?: { name?: string; id?: string; target?: { name?: string }; effective?: { name?: string }; [k: string]: unknown };
  process?: { name?: string; pid?: number; executable?: string; command_line?: string; [k: string]: unknown };
  log?: { syslog?: SyslogLogFields; level?: string; [k: string]: unknown };
  observer?: { vendor?: string; product?: string; hostname?: string; [k: string]: unknown };
  related?: { ip?: string[]; user?: string[]; hosts?: string[] };
  rule?: { id?: string; name?: string; description?: string; [k: string]: unknown };
  threat?: Record<string, unknown>;
  vigil?: VigilEnvelope;
  [field: string]: unknown;
}

export interface SyslogLogFields {
  facility?: { code: number; name: string };
  severity?: { code: number; name: string };
  priority?: number;
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  version?: string;
  structured_data?: Record<string, Record<string, string>>;
}

/** Vigil's own bookkeeping, kept under `vigil.*` so it never collides with ECS. */
export interface VigilEnvelope {
  /** Deterministic id: the Elasticsearch `_id`, so that a replay overwrites instead of duplicating. */
  id: string;
  /** The configured input id that received the record. */
  input: string;
  /** When Vigil received the bytes (RFC 3339). */
  received_at: string;
  /** `ok`, or `partial` when a parser kept only part of the record. */
  parse_status: 'ok' | 'partial';
  /** The sender's address, for network inputs. */
  peer?: string;
}
