/**
 * SigmaHQ's file naming: lower case, `_` between words, `.yml`, and a prefix that says the
 * logsource (`proc_creation_win_…` for Windows process creation).
 */
import { basename } from 'node:path';
import { text, val } from '../document.js';
import type { DocCheck, LintDoc } from '../model.js';

/** SigmaHQ's prefixes for the most common logsources, keyed `product/category`. */
export const FILENAME_PREFIXES: Readonly<Record<string, string>> = {
  'windows/process_creation': 'proc_creation_win_',
  'windows/file_event': 'file_event_win_',
  'windows/file_delete': 'file_delete_win_',
  'windows/file_access': 'file_access_win_',
  'windows/file_change': 'file_change_win_',
  'windows/file_rename': 'file_rename_win_',
  'windows/image_load': 'image_load_',
  'windows/network_connection': 'net_connection_win_',
  'windows/dns_query': 'dns_query_win_',
  'windows/pipe_created': 'pipe_created_',
  'windows/create_remote_thread': 'create_remote_thread_win_',
  'windows/process_access': 'proc_access_win_',
  'windows/driver_load': 'driver_load_win_',
  'windows/registry_set': 'registry_set_',
  'windows/registry_add': 'registry_add_',
  'windows/registry_delete': 'registry_delete_',
  'windows/registry_event': 'registry_event_',
  'windows/ps_script': 'posh_ps_',
  'windows/ps_module': 'posh_pm_',
  'windows/ps_classic_start': 'posh_pc_',
  'windows/create_stream_hash': 'create_stream_hash_',
  'windows/raw_access_thread': 'raw_access_thread_',
  'linux/process_creation': 'proc_creation_lnx_',
  'linux/file_event': 'file_event_lnx_',
  'linux/network_connection': 'net_connection_lnx_',
  'macos/process_creation': 'proc_creation_macos_',
  'macos/file_event': 'file_event_macos_',
};

/** The file-level checks run once, on the first document. */
const first = (doc: LintDoc): boolean => doc.index === 0;
const SIDE = { line: 1, column: 1 };

export const filenameExtension: DocCheck = {
  id: 'filename-extension',
  severity: 'warning',
  group: 'convention',
  description: "the file name does not end in '.yml'",
  run(doc, emit) {
    if (first(doc) && !doc.file.endsWith('.yml')) emit(SIDE, `file name ${basename(doc.file)} does not end in .yml`);
  },
};

export const filenameCase: DocCheck = {
  id: 'filename-convention',
  severity: 'warning',
  group: 'convention',
  description: 'the file name has characters other than lower-case letters, digits and _',
  run(doc, emit) {
    const stem = basename(doc.file).replace(/\.ya?ml$/i, '');
    if (first(doc) && !/^[a-z0-9_]+$/.test(stem))
      emit(SIDE, `file name ${basename(doc.file)} should be lower case, with '_' between words`);
  },
};

export const filenamePrefix: DocCheck = {
  id: 'filename-prefix',
  severity: 'info',
  group: 'convention',
  description: "the file name does not start with SigmaHQ's prefix for the rule's logsource",
  run(doc, emit) {
    if (!first(doc) || doc.count > 1 || doc.kind !== 'rule') return;
    const ls = val(doc.root, 'logsource');
    const key = `${text(val(ls, 'product'))?.toLowerCase() ?? ''}/${text(val(ls, 'category'))?.toLowerCase() ?? ''}`;
    const prefix = FILENAME_PREFIXES[key];
    const name = basename(doc.file);
    if (prefix && !name.startsWith(prefix)) emit(SIDE, `file name ${name} should start with '${prefix}' for logsource ${key}`);
  },
};
