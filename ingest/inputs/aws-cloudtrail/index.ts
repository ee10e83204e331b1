export { startCloudTrailInput, type CloudTrailInput } from './input.js';
export { createCloudTrailAws, type CloudTrailAws, type QueueMessage } from './aws.js';
export { parseNotification, decodeS3Key, isCloudTrailLogKey, type Notification, type ObjectRef } from './notifications.js';
export { cloudTrailFileResults } from './files.js';
export { CLOUDTRAIL_DEFAULTS, withCloudTrailDefaults, schema, type AwsCloudTrailInputConfig } from './config.js';
