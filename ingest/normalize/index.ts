export { normalizeSyslog } from './syslog.js';
export { normalizeRecord, fillRelated, FACILITY_NAMES, SEVERITY_NAMES, type NormalizeContext } from './record.js';
export { cefToEcs, CEF_TO_ECS, CEF_FULL_NAMES } from './cef.js';
export { leefToEcs, LEEF_TO_ECS } from './leef.js';
export { jsonToEcs } from './json.js';
export {
  applyVendors,
  vendorsFor,
  VENDORS,
  type Vendor,
  type VendorContext,
  type VendorFields,
  type VendorNormalizer,
  type VendorName,
} from './vendors/index.js';
export { toOcsf, OCSF_CLASSES, OCSF_VERSION, type OcsfEvent } from './ocsf/index.js';
export { OUTPUT_SCHEMAS, toSchema, type OutputSchema } from './schema.js';
