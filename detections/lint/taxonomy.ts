/**
 * Sigma's field taxonomy for the logsources whose events have a fixed schema: the Sysmon event
 * fields (Sysinternals Sysmon event schema; Sysmon for Linux writes the same names) and the
 * PowerShell script-block, module and classic events, keyed `category`. A category not listed
 * here is not checked.
 */

/** System fields every Windows event carries (the `System` block of the event XML). */
const SYSTEM = [
  'EventID',
  'Provider_Name',
  'Channel',
  'Computer',
  'Level',
  'Keywords',
  'Task',
  'Opcode',
  'Version',
  'EventRecordID',
  'ProcessID',
  'ThreadID',
  'TimeCreated',
];
const SYSMON = ['RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'User'];
const HASHES = ['Hashes', 'md5', 'sha1', 'sha256', 'Imphash'];
const PE = ['FileVersion', 'Description', 'Product', 'Company', 'OriginalFileName'];
const SIGNATURE = ['Signed', 'Signature', 'SignatureStatus'];
const REGISTRY = [...SYSMON, 'EventType', 'TargetObject', 'Details', 'NewName'];
const FILE = [...SYSMON, 'TargetFilename', 'CreationUtcTime'];

const PROCESS_CREATION = [
  ...SYSMON,
  ...PE,
  ...HASHES,
  'CommandLine',
  'CurrentDirectory',
  'LogonGuid',
  'LogonId',
  'TerminalSessionId',
  'IntegrityLevel',
  'ParentProcessGuid',
  'ParentProcessId',
  'ParentImage',
  'ParentCommandLine',
  'ParentUser',
];

const NETWORK = [
  ...SYSMON,
  'Protocol',
  'Initiated',
  'SourceIsIpv6',
  'SourceIp',
  'SourceHostname',
  'SourcePort',
  'SourcePortName',
  'DestinationIsIpv6',
  'DestinationIp',
  'DestinationHostname',
  'DestinationPort',
  'DestinationPortName',
];

export const TAXONOMY: Readonly<Record<string, readonly string[]>> = {
  process_creation: PROCESS_CREATION,
  network_connection: NETWORK,
  file_event: FILE,
  file_change: [...FILE, 'PreviousCreationUtcTime'],
  file_delete: [...SYSMON, ...HASHES, 'TargetFilename', 'IsExecutable', 'Archived'],
  image_load: [...SYSMON, ...PE, ...HASHES, ...SIGNATURE, 'ImageLoaded'],
  driver_load: [...HASHES, ...SIGNATURE, 'ImageLoaded', 'UtcTime', 'RuleName'],
  registry_add: REGISTRY,
  registry_delete: REGISTRY,
  registry_set: REGISTRY,
  registry_event: REGISTRY,
  registry_rename: REGISTRY,
  dns_query: [...SYSMON, 'QueryName', 'QueryStatus', 'QueryResults'],
  pipe_created: [...SYSMON, 'EventType', 'PipeName'],
  create_remote_thread: [
    'RuleName',
    'UtcTime',
    'SourceProcessGuid',
    'SourceProcessId',
    'SourceImage',
    'TargetProcessGuid',
    'TargetProcessId',
    'TargetImage',
    'NewThreadId',
    'StartAddress',
    'StartModule',
    'StartFunction',
    'SourceUser',
    'TargetUser',
  ],
  process_access: [
    'RuleName',
    'UtcTime',
    'SourceProcessGUID',
    'SourceProcessId',
    'SourceThreadId',
    'SourceImage',
    'TargetProcessGUID',
    'TargetProcessId',
    'TargetImage',
    'GrantedAccess',
    'CallTrace',
    'SourceUser',
    'TargetUser',
  ],
  raw_access_thread: [...SYSMON, 'Device'],
  create_stream_hash: [...FILE, 'Hash', 'Contents'],
  process_tampering: [...SYSMON, 'Type'],
  ps_script: ['ScriptBlockText', 'ScriptBlockId', 'MessageNumber', 'MessageTotal', 'Path'],
  ps_module: ['Payload', 'ContextInfo', 'UserData'],
};

/** Products whose events follow the taxonomy above (Sysmon on Windows, Sysmon for Linux, and the macOS equivalents SigmaHQ maps to it). */
export const TAXONOMY_PRODUCTS = new Set(['windows', 'linux', 'macos']);

/** The taxonomy's fields for a logsource (with the Windows system fields), or undefined when it is not checked. */
export function taxonomyFields(product: string | undefined, category: string | undefined): ReadonlySet<string> | undefined {
  if (!product || !category || !TAXONOMY_PRODUCTS.has(product)) return undefined;
  const fields = TAXONOMY[category];
  return fields ? new Set([...fields, ...SYSTEM]) : undefined;
}
