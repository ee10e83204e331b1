import { array, boolean, object, string, type Infer } from '../../../core/config/dsl.js';
import { componentId } from '../../../core/config/fields.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description:
    'Consumes an Azure Event Hub through its Kafka endpoint (Azure Monitor diagnostic settings: activity and Entra ID sign-in logs).',
  fields: {
    id: componentId('input'),
    brokers: array({
      description: 'The namespace endpoint, `<namespace>.servicebus.windows.net:9093`.',
      items: string({ description: 'One bootstrap broker.', format: 'host-port' }),
      minItems: 1,
    }),
    topic: string({ description: 'The event hub name (its Kafka topic).', minLength: 1 }),
    consumerGroup: string({ description: 'Event Hubs consumer group, used as the Kafka group id.', minLength: 1, default: '$Default' }),
    connectionString: string({
      description: 'Namespace or hub connection string; sent as SASL PLAIN password with user `$ConnectionString`. Unset: no SASL.',
      optional: true,
      sensitive: true,
    }),
    tls: boolean({ description: 'TLS to the brokers (Event Hubs requires it).', default: true }),
    fromBeginning: boolean({
      description: 'A consumer group with no committed offset starts at the oldest event instead of the newest.',
      default: false,
    }),
    keepOriginal: boolean({ description: "Keep each record's JSON in `event.original`.", default: true }),
  },
});

/** A `type: azure-eventhubs` input, as loaded. */
export type AzureEventHubsInputConfig = { type: 'azure-eventhubs' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `AzureEventHubsInputConfig` without the loader. */
export const EVENTHUBS_DEFAULTS = defaultsOf(schema) satisfies Partial<AzureEventHubsInputConfig>;

export function withEventHubsDefaults(
  cfg: Pick<AzureEventHubsInputConfig, 'id' | 'brokers' | 'topic'> & Partial<AzureEventHubsInputConfig>,
): AzureEventHubsInputConfig {
  return { type: 'azure-eventhubs', ...EVENTHUBS_DEFAULTS, ...cfg };
}
