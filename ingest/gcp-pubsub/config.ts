import type { GcpPubSubInputConfig } from '../../core/config/types.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../net/index.js';

/** Defaults the config loader applies to a `type: gcp-pubsub` input (the schema holds the same). */
export const PUBSUB_DEFAULTS = {
  host: '127.0.0.1',
  maxBodyBytes: 16 * 1024 * 1024,
  keepOriginal: true,
  maxInFlightBytes: 256 * 1024 * 1024,
  ...CONNECTION_LIMIT_DEFAULTS,
  // Pub/Sub pushes from Google's shared address pool, usually through a TLS proxy of ours.
  maxConnectionsPerPeer: 1024,
} as const satisfies Partial<GcpPubSubInputConfig>;

export function withPubSubDefaults(cfg: Pick<GcpPubSubInputConfig, 'id' | 'port'> & Partial<GcpPubSubInputConfig>): GcpPubSubInputConfig {
  return { type: 'gcp-pubsub', ...PUBSUB_DEFAULTS, ...cfg };
}
