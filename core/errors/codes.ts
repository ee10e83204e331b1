/**
 * The catalog of every error code Vigil raises. Code branches on these, never on messages.
 * `retriable` says whether retrying the same operation later can succeed.
 */
export const ERROR_CODES = {
  // configuration
  CONFIG_YAML: { retriable: false, summary: 'the file is not valid YAML' },
  CONFIG_TYPE: { retriable: false, summary: 'a field has the wrong type' },
  CONFIG_REQUIRED: { retriable: false, summary: 'a required field is missing' },
  CONFIG_UNKNOWN_FIELD: { retriable: false, summary: 'a field is not part of the schema' },
  CONFIG_ENUM: { retriable: false, summary: 'a field takes one of a fixed set of values' },
  CONFIG_RANGE: { retriable: false, summary: 'a number is out of its allowed range' },
  CONFIG_FORMAT: { retriable: false, summary: 'a string does not have the required form (URL, host:port, id, time zone)' },
  CONFIG_ENV: { retriable: false, summary: 'a ${VAR} reference names an unset environment variable' },
  CONFIG_DUPLICATE_ID: { retriable: false, summary: 'two components share one id' },
  CONFIG_READ: { retriable: false, summary: 'the configuration file cannot be read' },
  CONFIG_INSECURE: {
    retriable: false,
    summary: 'a network input has no authentication configured and does not say `auth: none`',
  },
  CONFIG_CONFLICT: { retriable: false, summary: 'two options contradict each other or one only applies with another' },
  // ingest
  PARSE_SYSLOG: { retriable: false, summary: 'a syslog message could not be parsed' },
  PARSE_CEF: { retriable: false, summary: 'a CEF record could not be parsed' },
  PARSE_LEEF: { retriable: false, summary: 'a LEEF record could not be parsed' },
  PARSE_EVTX: { retriable: false, summary: 'a Windows .evtx file, chunk or record is malformed (header, CRC32, BinXML)' },
  PARSE_JSON: { retriable: false, summary: 'a JSON record is not a JSON object' },
  FRAME_TOO_LARGE: { retriable: false, summary: 'a frame exceeds the maximum message size' },
  RECORD_TOO_LARGE: {
    retriable: false,
    summary: 'a record is larger than Kafka takes (kafka.maxRecordBytes, or the broker refused it as too large)',
  },
  FRAME_INVALID: { retriable: false, summary: 'a frame header is malformed' },
  FRAME_TRUNCATED: { retriable: false, summary: 'a connection closed inside an octet-counted frame' },
  NORMALIZE_FAILED: { retriable: false, summary: 'a parsed record could not be mapped to ECS' },
  PARSE_FAILED: { retriable: false, summary: 'a parser threw on a record instead of reporting why it cannot read it (a bug)' },
  INPUT_SOCKET: { retriable: true, summary: 'a network input socket or connection failed' },
  INPUT_TLS: { retriable: true, summary: 'a TLS handshake with a sender failed (certificate, protocol, timeout)' },
  PARSE_RECORD_JSON: { retriable: false, summary: 'a record or line that should be JSON is not' },
  PARSE_RECORD_SHAPE: {
    retriable: false,
    summary:
      'a record is not of the expected kind (a JSON record not an object or of the wrong vendor layout, a VPC flow line whose field count differs from its header)',
  },
  DECODE_PAYLOAD: { retriable: false, summary: 'a pushed payload could not be decoded (base64, gzip, UTF-8, envelope)' },
  INPUT_AUTH: { retriable: false, summary: 'a sender presented a missing or wrong credential (access key, token)' },
  INPUT_REMOTE: { retriable: true, summary: 'a remote API an input polls (S3, SQS, Okta) failed or refused a request' },
  INPUT_STATE: { retriable: true, summary: 'an input checkpoint or state file could not be read or written' },
  HEC_REJECTED: { retriable: false, summary: 'an HEC request was refused with a Splunk error code (format, index, fields)' },
  S2S_PROTOCOL: { retriable: false, summary: 'an S2S stream broke the cooked-mode framing (signature, message, size)' },
  RELP_PROTOCOL: {
    retriable: false,
    summary: 'a RELP session broke the protocol (frame syntax, transaction number, command order, offers)',
  },
  // rules and playbooks
  RULE_INVALID: { retriable: false, summary: 'a detection rule is invalid' },
  RULE_UNSUPPORTED: { retriable: false, summary: 'a detection rule uses a Sigma feature Vigil does not support yet' },
  RULE_PLACEHOLDER: {
    retriable: false,
    summary: 'a detection rule uses an expand placeholder (%name%) that the configuration gives no value',
  },
  CORRELATION_LATE: { retriable: false, summary: 'an event arrived after its correlation window closed (beyond the allowed lateness)' },
  RULE_MATCH: { retriable: false, summary: 'a detection rule failed while matching' },
  BACKTEST_BASELINE: { retriable: false, summary: 'a backtest baseline file cannot be read or is not a map of rule id to fire count' },
  PIPELINE_INVALID: { retriable: false, summary: 'a field-mapping pipeline or logsource mapping (rules/pipelines) is invalid' },
  EVENT_INVALID: { retriable: false, summary: 'a record on the bus is not a valid event' },
  INCIDENT_STATE: { retriable: false, summary: 'an incident builder state record cannot be restored (not JSON, wrong shape or version)' },
  INCIDENT_STATUS: {
    retriable: false,
    summary: 'an incident change is invalid (unknown status or kind, no incident id, bad time, oversize note or enrichment)',
  },
  INCIDENT_CONFLICT: {
    retriable: false,
    summary: "an incident change does not apply to the incident's state (assigning a closed incident, merging into itself or a closed one)",
  },
  INCIDENT_BACKFILL: {
    retriable: false,
    summary:
      'Elasticsearch refused to write an acknowledgement or resolution time onto an incident document, or vigil.incident-status could not be read (`vigil incidents backfill`)',
  },
  PLAYBOOK_INVALID: { retriable: false, summary: 'a playbook is invalid' },
  TEMPLATE_INVALID: { retriable: false, summary: 'a template expression is invalid' },
  ACTION_FAILED: { retriable: true, summary: 'a playbook action failed and may be retried' },
  ACTION_REJECTED: { retriable: false, summary: 'a playbook action failed permanently' },
  ACTION_ADDRESS_REFUSED: {
    retriable: false,
    summary:
      'a playbook action would connect to a loopback, private, link-local, CGNAT, multicast or cloud-metadata address the step does not allow (allow_hosts, playbooks.network.allow)',
  },
  ACTION_LIBRARY_INVALID: { retriable: false, summary: 'an action library file (playbooks/actions/library) is invalid' },
  PLAYBOOK_RUN_MISSING: { retriable: false, summary: 'a playbook step job found no run state in Redis (expired or deleted)' },
  PLAYBOOK_APPROVAL_DENIED: { retriable: false, summary: 'an approval step was denied (by a responder, or by its default at the timeout)' },
  PLAYBOOK_WAIT_TIMEOUT: { retriable: false, summary: 'a wait step reached its timeout before its condition held' },
  ACTION_OUTCOME_UNKNOWN: {
    retriable: false,
    summary: 'a worker stopped during a call of an action that is not idempotent: whether it took effect is unknown',
  },
  PLAYBOOK_RUN_STATE: { retriable: false, summary: 'a playbook run cannot take this request (ended, unknown step, already decided)' },
  PLAYBOOK_TEST_FAILED: { retriable: false, summary: "an expectation of a playbook's test file (`<name>.tests.yml`) did not hold" },
  // sinks and services
  SINK_RETRY: { retriable: true, summary: 'a sink refused a write for now (429, 5xx, timeout)' },
  SINK_REJECT: { retriable: false, summary: 'a sink refused a document permanently' },
  SINK_CONFIG: { retriable: false, summary: 'a sink option is invalid or conflicts with another' },
  SERVICE_UNAVAILABLE: { retriable: true, summary: 'a service (Kafka, Redis, Elasticsearch) cannot be reached' },
  BUS_AUTHENTICATION: {
    retriable: false,
    summary: "Kafka refused Vigil's SASL credentials (user name, password, token) or the mechanism",
  },
  BUS_AUTHORIZATION: {
    retriable: false,
    summary: 'Kafka refused an operation for lack of an ACL (topic, consumer group, transactional id, cluster)',
  },
  BUS_TLS: {
    retriable: false,
    summary:
      'a TLS connection to Kafka failed (certificate not trusted or not for this host, client certificate refused, TLS on one side only)',
  },
  BUS_OAUTH_TOKEN: {
    retriable: true,
    summary: 'the OAuth token endpoint for Kafka SASL/OAUTHBEARER failed or refused the client credentials',
  },
  TOPIC_CONFIG: { retriable: false, summary: "a Kafka topic's configs cannot be read or set" },
  SERVICE_TIMEOUT: { retriable: false, summary: 'a service did not become ready in time' },
  SERVICE_PORT_BUSY: { retriable: false, summary: 'a port is held by a process Vigil did not start' },
  SERVICE_INSTALL: { retriable: false, summary: 'a service could not be installed' },
  SERVICE_START: { retriable: false, summary: 'a service could not be prepared or launched (storage format, spawn)' },
  SERVICE_EXITED: { retriable: false, summary: 'a service process exited before it became ready' },
  CLI_USAGE: { retriable: false, summary: 'the command line is invalid' },
  // responder API (each maps to one HTTP status)
  API_REQUEST_INVALID: {
    retriable: false,
    summary: 'an API request is malformed: bad JSON, a missing or wrong field, a bad query parameter (400)',
  },
  API_BODY_TOO_LARGE: { retriable: false, summary: 'an API request body exceeds api.maxBodyBytes (413)' },
  API_UNAUTHENTICATED: { retriable: false, summary: 'an API request has no token, or one that matches no configured hash (401)' },
  API_FORBIDDEN: { retriable: false, summary: "an API token's role may not do what the request asks (403)" },
  API_NOT_FOUND: { retriable: false, summary: 'an API request names a route, incident, playbook or run that does not exist (404)' },
  API_CONFLICT: {
    retriable: false,
    summary: 'an API change does not apply to the current state: closing a closed incident, deciding a step that is not waiting (409)',
  },
  API_NOT_SUPPORTED: {
    retriable: false,
    summary: 'an API route names a change this server cannot make (501)',
  },
  // Kibana setup (`vigil kibana setup`)
  KIBANA_UNREACHABLE: { retriable: true, summary: 'Kibana did not answer (connection refused, DNS, TLS, timeout)' },
  KIBANA_UNAUTHENTICATED: { retriable: false, summary: 'Kibana refused the API key or user/password (401)' },
  KIBANA_FORBIDDEN: {
    retriable: false,
    summary: 'the Kibana user may not do this: saved objects management or connectors privileges in that space (403)',
  },
  KIBANA_REQUEST: { retriable: false, summary: 'Kibana refused a request or answered something unexpected (status and message quoted)' },
  KIBANA_IMPORT_FAILED: {
    retriable: false,
    summary: 'a saved objects import left objects out (`success: false`); each failed object is named with its error type',
  },
  STATE_STORE: {
    retriable: false,
    summary: 'a state store is misused or its Kafka topics are inconsistent (missing input, changelog partition count, reserved key)',
  },
  // threat intelligence
  INTEL_FEED_INVALID: {
    retriable: false,
    summary: 'a threat-intelligence feed is not what its type says (bad JSON, no STIX objects, no such CSV column)',
  },
  INTEL_FEED_UNREACHABLE: {
    retriable: true,
    summary: 'a threat-intelligence feed or TAXII server could not be fetched (network error, HTTP error status)',
  },
  INTEL_FEED_AUTH: { retriable: false, summary: 'a TAXII server or feed refused the credentials (401/403)' },
  GEOIP_DATABASE: {
    retriable: false,
    summary: 'a GeoIP or ASN database file is missing, unreadable or not a MaxMind DB / ASN CSV (checked at startup)',
  },
  GEOIP_DATABASE_NOT_INSTALLED: {
    retriable: false,
    summary: 'enrich.geoip.geo names a database (dbip-city) whose install script has not been run; the message names the script',
  },
} as const satisfies Record<string, { retriable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
