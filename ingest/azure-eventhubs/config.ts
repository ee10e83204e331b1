import type { AzureEventHubsInputConfig } from '../../core/config/types.js';

/** Defaults the config loader applies to a `type: azure-eventhubs` input (the schema holds the same). */
export const EVENTHUBS_DEFAULTS = {
  consumerGroup: '$Default',
  tls: true,
  fromBeginning: false,
  keepOriginal: true,
} as const satisfies Partial<AzureEventHubsInputConfig>;

export function withEventHubsDefaults(
  cfg: Pick<AzureEventHubsInputConfig, 'id' | 'brokers' | 'topic'> & Partial<AzureEventHubsInputConfig>,
): AzureEventHubsInputConfig {
  return { type: 'azure-eventhubs', ...EVENTHUBS_DEFAULTS, ...cfg };
}
