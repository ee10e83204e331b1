/**
 * Cloud audit records (CloudTrail, GCP audit, Azure activity and Entra sign-in, Okta, Microsoft
 * 365) and pushed payloads (CloudWatch Logs, JSON, text) → ECS, plus the batch that publishes
 * them for the cloud and file inputs.
 */
export { buildEvent, ipOf, isObject, isoTime, prune, merge, type Json, type RecordContext, type RecordMeta } from './common.js';
export { normalizeCloudTrail, isCloudTrailRecord } from './cloudtrail.js';
export { normalizeGcpAudit, isGcpAuditEntry } from './gcp-audit.js';
export { normalizeAzureActivity, normalizeEntraSignIn, isAzureRecord, isEntraSignIn, isEntraAudit, azureRecords } from './azure.js';
export { normalizeEntraAudit } from './entra-audit.js';
export { normalizeOkta, isOktaEvent } from './okta.js';
export { normalizeO365, isO365Record } from './o365.js';
export { normalizeJson, normalizeText, ECS_ALLOWED } from './json.js';
export {
  RECORD_TYPES,
  detectRecordType,
  normalizeRecord,
  normalizeDocument,
  normalizeJsonText,
  recordsOf,
  type RecordType,
  type RecordResult,
} from './records.js';
export { bytesResults, cloudWatchResults, decodeBase64, isCloudWatchLogs, MAX_INFLATED_BYTES } from './cloudwatch.js';
export { isVpcFlowLine, normalizeVpcFlowLine, notVpcFlowRecord, vpcFlowHeader, vpcFlowReader, type VpcFlowFormat } from './vpcflow.js';
export {
  parseCloudTrail,
  parseGcpAudit,
  parseAzure,
  parseOkta,
  parseO365,
  parseWindows,
  parseSuricata,
  parseZeek,
  parseVpcFlow,
  parseCloudAuto,
  pipelineError,
  CLOUD_PARSE_TYPES,
  type ParseTextOptions,
} from './parse.js';
export { Batch, emit, eventKey, MAX_EVENT_BYTES, type EmitTarget } from './emit.js';
