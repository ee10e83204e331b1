import type { SplunkHecInputConfig, SplunkHecTokenConfig } from '../../core/config/types.js';
import { CONNECTION_LIMIT_DEFAULTS } from '../net/index.js';

/** Defaults the config loader applies to a `type: splunk-hec` input (the schema holds the descriptions). */
export const HEC_INPUT_DEFAULTS = {
  host: '127.0.0.1',
  maxBodyBytes: 16 * 1024 * 1024,
  allowQueryStringToken: false,
  keepOriginal: true,
  ackMaxPerChannel: 10_000,
  ackMaxChannels: 1000,
  ackIdleTimeoutSeconds: 600,
  maxPendingEvents: 100_000,
  maxInFlightBytes: 256 * 1024 * 1024,
  ...CONNECTION_LIMIT_DEFAULTS,
} as const satisfies Partial<SplunkHecInputConfig>;

type TokenInput = Pick<SplunkHecTokenConfig, 'token'> & Partial<SplunkHecTokenConfig>;

/** Applies the defaults to what a user (or a test) wrote. */
export function withHecDefaults(
  cfg: Pick<SplunkHecInputConfig, 'id' | 'port'> & Partial<Omit<SplunkHecInputConfig, 'tokens'>> & { tokens: TokenInput[] },
): SplunkHecInputConfig {
  return {
    type: 'splunk-hec',
    ...HEC_INPUT_DEFAULTS,
    ...cfg,
    tokens: cfg.tokens.map((t) => ({ ack: false, disabled: false, ...t })),
  };
}

/** A token as the server uses it: its config and a printable name (never the secret). */
export interface ResolvedToken extends SplunkHecTokenConfig {
  label: string;
}

/** Splunk requires channels to be GUIDs (code 11 otherwise). */
export const CHANNEL_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
