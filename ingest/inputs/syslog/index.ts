export { startSyslogInput, type SyslogInput } from './server.js';
export { SYSLOG_INPUT_DEFAULTS, withSyslogDefaults, validateSyslogInput, schema, type SyslogInputConfig } from './config.js';
export { SERVER_DEFAULTS, type SyslogServerOptions, type ConnectionInfo } from './types.js';
