export { startSyslogInput, type SyslogInput } from './server.js';
export { SYSLOG_INPUT_DEFAULTS, SYSLOG_INPUT_FIELDS, withSyslogDefaults, validateSyslogInput } from './config.js';
export { SERVER_DEFAULTS, type SyslogServerOptions, type ConnectionInfo } from './types.js';
