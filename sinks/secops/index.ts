export { startSecopsSink, openSecopsDelivery, type StartSecopsSinkOptions, type SecopsDelivery } from './sink.js';
export { schema, withSecopsDefaults, SECOPS_DEFAULTS, type SecopsSinkConfig } from './config.js';
export { toUdm, rawMessage, type Udm } from './udm.js';
export { createSecopsDeliver, encodeSecopsItem } from './deliver.js';
export { importUrl, secopsPoster } from './client.js';
export { readServiceAccountKey, signAssertion, fetchServiceAccountToken, type ServiceAccountKey } from './service-account.js';
