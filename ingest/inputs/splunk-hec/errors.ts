/**
 * Splunk's HTTP Event Collector status codes, with the HTTP status and text Splunk documents for
 * each ("Troubleshoot HTTP Event Collector", "Possible error codes"; the same table is quoted in
 * Splunk's own cloudfwd client). Clients branch on `code`, so ours must be Splunk's.
 */
export const HEC_CODES = {
  SUCCESS: { code: 0, status: 200, text: 'Success' },
  TOKEN_DISABLED: { code: 1, status: 403, text: 'Token disabled' },
  TOKEN_REQUIRED: { code: 2, status: 401, text: 'Token is required' },
  INVALID_AUTHORIZATION: { code: 3, status: 401, text: 'Invalid authorization' },
  INVALID_TOKEN: { code: 4, status: 403, text: 'Invalid token' },
  NO_DATA: { code: 5, status: 400, text: 'No data' },
  INVALID_DATA_FORMAT: { code: 6, status: 400, text: 'Invalid data format' },
  INCORRECT_INDEX: { code: 7, status: 400, text: 'Incorrect index' },
  INTERNAL_ERROR: { code: 8, status: 500, text: 'Internal server error' },
  SERVER_BUSY: { code: 9, status: 503, text: 'Server is busy' },
  CHANNEL_MISSING: { code: 10, status: 400, text: 'Data channel is missing' },
  INVALID_CHANNEL: { code: 11, status: 400, text: 'Invalid data channel' },
  EVENT_REQUIRED: { code: 12, status: 400, text: 'Event field is required' },
  EVENT_BLANK: { code: 13, status: 400, text: 'Event field cannot be blank' },
  ACK_DISABLED: { code: 14, status: 400, text: 'ACK is disabled' },
  INDEXED_FIELDS: { code: 15, status: 400, text: 'Error in handling indexed fields' },
  QUERY_STRING_AUTH: { code: 16, status: 400, text: 'Query string authorization is not enabled' },
  HEALTHY: { code: 17, status: 200, text: 'HEC is healthy' },
  UNHEALTHY_QUEUES_FULL: { code: 18, status: 503, text: 'HEC is unhealthy, queues are full' },
} as const satisfies Record<string, { code: number; status: number; text: string }>;

export type HecCodeName = keyof typeof HEC_CODES;

/** A response body as Splunk writes it: `{"text":…,"code":…}`, plus extras (`ackId`, `invalid-event-number`). */
export interface HecReply {
  status: number;
  body: Record<string, unknown>;
}

export function reply(name: HecCodeName, extra: Record<string, unknown> = {}): HecReply {
  const c = HEC_CODES[name];
  return { status: c.status, body: { text: c.text, code: c.code, ...extra } };
}

/** A request refused for its data: which code, and for a batch, which event (0-based, as Splunk counts). */
export class HecError extends Error {
  constructor(
    readonly hec: HecCodeName,
    message: string,
    readonly eventNumber?: number,
  ) {
    super(message);
    this.name = 'HecError';
  }

  reply(): HecReply {
    return reply(this.hec, this.eventNumber === undefined ? {} : { 'invalid-event-number': this.eventNumber });
  }
}

/** Splunk's answer for a path it does not serve. */
export const NOT_FOUND: HecReply = { status: 404, body: { text: 'The requested URL was not found on this server.', code: 404 } };
