import { encodeCef, type CefDefaults } from './cef.js';
import { encodeLeef, type LeefOptions } from './leef.js';

/** What the syslog MSG holds: a CEF or LEEF record, the event as JSON, or its `message`. */
export type BodyEncoding = 'cef' | 'leef' | 'json' | 'message';

export interface BodyOptions {
  encoding: BodyEncoding;
  cef: CefDefaults;
  leef: LeefOptions;
}

/** One event as the body of a syslog message. `message` falls back to JSON for an event without one. */
export function encodeBody(event: Readonly<Record<string, unknown>>, opts: BodyOptions): string {
  switch (opts.encoding) {
    case 'cef':
      return encodeCef(event, opts.cef);
    case 'leef':
      return encodeLeef(event, opts.leef);
    case 'message': {
      const m = event.message;
      if (typeof m === 'string' && m !== '') return m;
      return JSON.stringify(event);
    }
    case 'json':
      return JSON.stringify(event);
  }
}
