import type { FrameGeoip } from '../enrich/geoip/frame.js';
import type { FrameContext } from '../frame-to-record.js';
import type { PackedFrames, PackedResults } from './codec.js';

/** What a frame worker is started with. */
export interface FrameWorkerData {
  input: FrameContext['input'];
  /** The GeoIP databases to open in the worker; unset: no enrichment there. */
  geoip?: FrameGeoip['databases'] | undefined;
}

export interface BatchRequest {
  id: number;
  /** Epoch ms: one receive time per batch, as on the main thread. */
  receivedAt: number;
  frames: PackedFrames;
}

export type BatchReply = { id: number; results: PackedResults } | { id: number; error: string };
