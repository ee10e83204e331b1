import type { ConnectionLimitsConfig } from './schema.js';
import { VigilError } from '../../core/errors/index.js';
import type { ConnectionLimits } from './limits.js';

/** Defaults of the connection limits of a network input (the schema holds the same, per input). */
export const CONNECTION_LIMIT_DEFAULTS = {
  maxConnections: 1024,
  maxConnectionsPerPeer: 64,
  idleTimeoutSeconds: 300,
} as const satisfies ConnectionLimitsConfig;

/**
 * The config loader always fills these in; a config built by hand (a test, `vigil run --local`)
 * may not, and gets the same protection.
 */
function effective<T extends Partial<ConnectionLimitsConfig>>(cfg: T, defaults: ConnectionLimitsConfig): T & ConnectionLimitsConfig {
  return {
    ...cfg,
    maxConnections: cfg.maxConnections ?? defaults.maxConnections,
    maxConnectionsPerPeer: cfg.maxConnectionsPerPeer ?? defaults.maxConnectionsPerPeer,
    idleTimeoutSeconds: cfg.idleTimeoutSeconds ?? defaults.idleTimeoutSeconds,
  };
}

/** The limits a listener enforces, from its input's config (`handshakeTimeoutMs` for TLS listeners). */
export function connectionLimitsOf(
  input: Partial<ConnectionLimitsConfig>,
  handshakeTimeoutMs?: number,
  defaults: ConnectionLimitsConfig = CONNECTION_LIMIT_DEFAULTS,
): ConnectionLimits {
  const cfg = effective(input, defaults);
  return {
    maxConnections: cfg.maxConnections,
    maxConnectionsPerPeer: cfg.maxConnectionsPerPeer,
    idleTimeoutMs: cfg.idleTimeoutSeconds * 1000,
    ...(handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs } : {}),
  };
}

/**
 * What the schema of one field cannot check: the per-peer cap within the global one, and a byte
 * budget that admits at least one request of the largest size. Located at `path` (`inputs.<id>`).
 */
export function connectionLimitProblems(
  input: Partial<ConnectionLimitsConfig> & { maxBodyBytes?: number; maxInFlightBytes?: number },
  path: string,
  defaults: ConnectionLimitsConfig = CONNECTION_LIMIT_DEFAULTS,
): VigilError[] {
  const cfg = effective(input, defaults);
  const problems: VigilError[] = [];
  const at = (field: string) => ({ location: { path: `${path}.${field}` } });
  const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (!positiveInt(cfg.maxConnections)) {
    problems.push(
      new VigilError('CONFIG_RANGE', `maxConnections must be a positive integer, not ${String(cfg.maxConnections)}`, at('maxConnections')),
    );
  }
  if (!positiveInt(cfg.maxConnectionsPerPeer)) {
    problems.push(
      new VigilError(
        'CONFIG_RANGE',
        `maxConnectionsPerPeer must be a positive integer, not ${String(cfg.maxConnectionsPerPeer)}`,
        at('maxConnectionsPerPeer'),
      ),
    );
  } else if (positiveInt(cfg.maxConnections) && cfg.maxConnectionsPerPeer > cfg.maxConnections) {
    problems.push(
      new VigilError(
        'CONFIG_RANGE',
        `maxConnectionsPerPeer (${cfg.maxConnectionsPerPeer}) cannot exceed maxConnections (${cfg.maxConnections})`,
        at('maxConnectionsPerPeer'),
      ),
    );
  }
  if (typeof cfg.idleTimeoutSeconds !== 'number' || !(cfg.idleTimeoutSeconds >= 0) || cfg.idleTimeoutSeconds > 86400) {
    problems.push(
      new VigilError('CONFIG_RANGE', `idleTimeoutSeconds must be 0–86400, not ${String(cfg.idleTimeoutSeconds)}`, at('idleTimeoutSeconds')),
    );
  }
  if (cfg.maxInFlightBytes !== undefined && cfg.maxBodyBytes !== undefined && !(cfg.maxInFlightBytes >= cfg.maxBodyBytes)) {
    problems.push(
      new VigilError(
        'CONFIG_RANGE',
        `maxInFlightBytes (${cfg.maxInFlightBytes}) must be at least maxBodyBytes (${cfg.maxBodyBytes}), or no request of the largest size could ever be taken`,
        at('maxInFlightBytes'),
      ),
    );
  }
  return problems;
}

/** Throws the problems of `connectionLimitProblems` as one VigilError (at input start). */
export function assertConnectionLimits(
  cfg: Parameters<typeof connectionLimitProblems>[0],
  path: string,
  defaults: ConnectionLimitsConfig = CONNECTION_LIMIT_DEFAULTS,
): void {
  const problems = connectionLimitProblems(cfg, path, defaults);
  const [first] = problems;
  if (first) throw new VigilError(first.code, problems.map((p) => p.describe()).join('; '), { location: first.location ?? {} });
}
