import { VigilError } from '../../core/errors/index.js';

/** The JSON of a feed, or INTEL_FEED_INVALID saying where it stops being JSON. */
export function parseFeedJson(text: string, feed: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const pos = /position (\d+)/.exec(String(err))?.[1];
    const at = pos === undefined ? undefined : Number(pos);
    const line = at === undefined ? undefined : text.slice(0, at).split('\n').length;
    throw new VigilError('INTEL_FEED_INVALID', `feed '${feed}' is not valid JSON: ${(err as Error).message}`, {
      cause: err,
      location: { file: feed, ...(line !== undefined && { line }) },
    });
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
