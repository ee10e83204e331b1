/**
 * One fetch of one feed: a file read or an HTTP GET, parsed by the feed's type; a TAXII
 * collection is read through `TaxiiClient`, in full the first time and then only what was added
 * after the last fetch (`added_after`), merged by object id into what this process already has.
 */
import { readFile } from 'node:fs/promises';
import { VigilError } from '../core/errors/index.js';
import type { FeedOf, IntelFeedConfig } from './config.js';
import type { ParsedFeed } from './model.js';
import { parseFeed } from './parsers/index.js';
import { isObject } from './parsers/json.js';
import { stixIndicators } from './parsers/stix.js';
import { TaxiiClient } from './taxii.js';

/** What a TAXII feed remembers between fetches. */
export interface TaxiiState {
  root?: string;
  collection?: string;
  addedLast?: string;
  /** The newest version of each object, by STIX id. */
  readonly objects: Map<string, Record<string, unknown>>;
}

export const newTaxiiState = (): TaxiiState => ({ objects: new Map() });

async function httpText(feed: IntelFeedConfig, url: string): Promise<string> {
  const headers: Record<string, string> = {};
  if (feed.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${feed.username}:${feed.password ?? ''}`).toString('base64')}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(feed.timeoutMs) });
  } catch (err) {
    throw new VigilError(
      'INTEL_FEED_UNREACHABLE',
      `feed '${feed.id}' cannot be fetched from ${url}: ${String((err as Error).cause ?? err)}`,
      { cause: err },
    );
  }
  if (res.status === 401 || res.status === 403)
    throw new VigilError('INTEL_FEED_AUTH', `feed '${feed.id}': ${url} refused the credentials (${res.status})`);
  if (!res.ok) throw new VigilError('INTEL_FEED_UNREACHABLE', `feed '${feed.id}': ${url} answered ${res.status}`);
  return res.text();
}

async function fileText(feed: IntelFeedConfig, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new VigilError(
      'INTEL_FEED_UNREACHABLE',
      `feed '${feed.id}' cannot be read from ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        cause: err,
        location: { file },
      },
    );
  }
}

async function fetchTaxii(feed: FeedOf<'taxii'>, state: TaxiiState): Promise<ParsedFeed> {
  const client = new TaxiiClient({
    ...(feed.username !== undefined && { username: feed.username }),
    ...(feed.password !== undefined && { password: feed.password }),
    timeoutMs: feed.timeoutMs,
  });
  if (state.root === undefined || state.collection === undefined) {
    const found = await client.findCollection(feed.url as string, feed.collection);
    state.root = found.root;
    state.collection = found.id;
  }
  const got = await client.objects(state.root, state.collection, {
    type: 'indicator',
    ...(state.addedLast !== undefined && { addedAfter: state.addedLast }),
  });
  // Merged only once every page came: a fetch that fails half-way changes nothing.
  for (const o of got.objects) {
    if (!isObject(o) || typeof o.id !== 'string') continue;
    const before = state.objects.get(o.id);
    if (!before || String(o.modified ?? '') >= String(before.modified ?? '')) state.objects.set(o.id, o);
  }
  if (got.addedLast !== undefined) state.addedLast = got.addedLast;
  return stixIndicators([...state.objects.values()]);
}

/** Fetches and parses a feed; throws a VigilError (INTEL_FEED_*) when it cannot. */
export async function fetchFeed(feed: IntelFeedConfig, taxii: TaxiiState = newTaxiiState()): Promise<ParsedFeed> {
  if (feed.type === 'taxii') return fetchTaxii(feed, taxii);
  const text = feed.file !== undefined ? await fileText(feed, feed.file) : await httpText(feed, feed.url as string);
  return parseFeed(text, feed);
}
