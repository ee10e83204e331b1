import type { FrameGeoip } from '../enrich/geoip/frame.js';
import type { FrameContext } from '../frame-to-record.js';
import type { SharedIndexData } from '../enrich/intel/frame.js';
import type { PackedFrames, PackedResults } from './codec.js';

/** What a frame worker is started with. */
export interface FrameWorkerData {
  input: FrameContext['input'];
  /** The GeoIP databases to open in the worker; unset: no enrichment there. */
  geoip?: FrameGeoip['databases'] | undefined;
  /** The indicator index in force, in shared memory; unset: no threat-intelligence enrichment there. */
  intel?: SharedIndexData | undefined;
}

/** A new indicator index for the worker to enrich every later batch with. */
export interface IntelUpdate {
  intel: SharedIndexData;
}

export interface BatchRequest {
  id: number;
  /** Epoch ms: one receive time per batch, as on the main thread. */
  receivedAt: number;
  frames: PackedFrames;
}

export type BatchReply = { id: number; results: PackedResults } | { id: number; error: string };
