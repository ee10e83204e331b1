import type { EcsEvent } from '../../../core/event/index.js';

/** What a vendor normalizer adds to the base syslog event; merged object by object. */
export type VendorFields = Pick<EcsEvent, 'event' | 'user' | 'source' | 'process' | 'related'>;

/** Reads the message of one program and returns its ECS fields, or undefined when it does not recognise it. */
export type VendorNormalizer = (message: string) => VendorFields | undefined;
