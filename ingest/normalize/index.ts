export { normalizeSyslog, FACILITY_NAMES, SEVERITY_NAMES, type NormalizeContext } from './syslog.js';
export { VENDORS, vendorFor, type VendorFields, type VendorNormalizer, type VendorName } from './vendors/index.js';
