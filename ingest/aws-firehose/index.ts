export { startFirehoseInput, type FirehoseInput } from './server.js';
export { FIREHOSE_DEFAULTS, withFirehoseDefaults } from './config.js';
export { RequestDedup } from './dedup.js';
export { BodyTooLarge, peerOf, readBody, sendJson } from './http.js';
