export { startFirehoseInput, type FirehoseInput } from './server.js';
export { FIREHOSE_DEFAULTS, withFirehoseDefaults, schema, type AwsFirehoseInputConfig } from './config.js';
