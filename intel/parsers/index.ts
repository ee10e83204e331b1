/** The parser of each file feed type, keyed by the `type` of a feed in vigil.yaml (`taxii` fetches, then reads STIX objects). */
import type { FeedOf, FeedType, IntelFeedConfig } from '../config.js';
import type { ParsedFeed } from '../model.js';
import { parseCsv, parsePlain } from './lines.js';
import { parseMisp } from './misp.js';
import { parseStixBundle } from './stix.js';

type FileFeedType = Exclude<FeedType, 'taxii'>;

const lineOptions = (f: FeedOf<'csv' | 'plain'>) => (f.indicatorType === undefined ? {} : { indicatorType: f.indicatorType });

const PARSERS: { readonly [T in FileFeedType]: (text: string, feed: FeedOf<T>) => ParsedFeed } = {
  stix: (text, f) => parseStixBundle(text, f.id),
  misp: (text, f) => parseMisp(text, f.id),
  csv: (text, f) =>
    parseCsv(text, { ...lineOptions(f), column: /^\d+$/.test(f.column) ? Number(f.column) : f.column, delimiter: f.delimiter }),
  plain: (text, f) => parsePlain(text, lineOptions(f)),
};

/** Parses a file feed's text by its type. */
export function parseFeed(text: string, feed: FeedOf<FileFeedType>): ParsedFeed {
  return (PARSERS[feed.type] as (text: string, feed: IntelFeedConfig) => ParsedFeed)(text, feed);
}

export { parseCsv, parsePlain } from './lines.js';
export { parseMisp } from './misp.js';
export { parseStixBundle, parseStixPattern, stixIndicators } from './stix.js';
