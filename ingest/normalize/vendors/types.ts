import type { EcsEvent } from '../../../core/event/index.js';
import type { TimeContext } from '../../parsers/datetime.js';

/**
 * What a vendor normalizer adds to the base event (ECS fields only, nested), merged object by
 * object. It may set `@timestamp` when the device's own time is better than the syslog header's.
 */
export type VendorFields = Partial<EcsEvent>;

/** What a vendor normalizer may know besides the message. */
export interface VendorContext {
  /** The syslog APP-NAME or TAG (`sshd`, `%ASA-6-302013`, `filterlog`). */
  program?: string | undefined;
  /** The syslog HOSTNAME. */
  hostname?: string | undefined;
  /** The input's time zone and receive time, for device timestamps. */
  time: TimeContext;
}

/** Reads the message of one program and returns its ECS fields, or undefined when it does not recognise it. */
export type VendorNormalizer = (message: string, ctx: VendorContext) => VendorFields | undefined;

/** How a vendor is found for a line: by program name, by TAG prefix, or by the message itself. */
export interface Vendor {
  /** Exact `process.name` values (syslog APP-NAME or TAG). */
  programs?: readonly string[];
  /** TAG prefixes such as `%ASA-`. */
  programPrefixes?: readonly string[];
  /** For devices that send no usable TAG: a cheap test of the message, run on lines no program claimed. */
  sniff?: (message: string) => boolean;
  normalize: VendorNormalizer;
}
