export { startEventHubsInput, type EventHubsInput } from './input.js';
export { startHubConsumer, type HubConsumer, type HubMessage, type HubConsumerOptions } from './client.js';
export { EVENTHUBS_DEFAULTS, withEventHubsDefaults, schema, type AzureEventHubsInputConfig } from './config.js';
