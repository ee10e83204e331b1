import type { OktaInputConfig } from '../../core/config/types.js';

/** Defaults the config loader applies to a `type: okta` input (the schema holds the same). */
export const OKTA_DEFAULTS = {
  pollIntervalSeconds: 60,
  limit: 1000,
  initialLookbackMinutes: 60,
  keepOriginal: true,
} as const satisfies Partial<OktaInputConfig>;

export function withOktaDefaults(cfg: Pick<OktaInputConfig, 'id' | 'url' | 'token'> & Partial<OktaInputConfig>): OktaInputConfig {
  return { type: 'okta', ...OKTA_DEFAULTS, ...cfg };
}
