import { suricataSyslogPatch } from '../sensor-json.js';
import type { Vendor } from './types.js';

/** Suricata's EVE output with `filetype: syslog`: each line's message is one EVE JSON record. */
export const suricataVendor: Vendor = {
  programs: ['suricata'],
  normalize: (message, ctx) => suricataSyslogPatch(message, ctx.time.now),
};
