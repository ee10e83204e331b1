/**
 * Named string formats the schema refers to by name. Each returns `undefined` when the value
 * is fine, else what is wrong (a message fragment, never echoing secrets: no format here is
 * used on a sensitive field).
 */
export interface Format {
  /** Shown in docs: what the value looks like. */
  readonly describe: string;
  readonly check: (value: string) => string | undefined;
}

function url(protocols: readonly string[]): Format['check'] {
  return (value) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return `is not a URL (expected ${protocols.map((p) => `${p}//…`).join(' or ')})`;
    }
    return protocols.includes(parsed.protocol) ? undefined : `must use ${protocols.join(' or ')}, not ${parsed.protocol}`;
  };
}

function pattern(re: RegExp, what: string): Format['check'] {
  return (value) => (re.test(value) ? undefined : `must be ${what}`);
}

export const FORMATS = {
  // Component ids label metrics and name consumer groups, so they stay within Kafka's
  // legal name characters and short.
  id: {
    describe: 'letters, digits, `_`, `.`, `-`; starts with a letter or digit; at most 64 characters',
    check: pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, `_`, `.` or `-`, starting with a letter or digit (at most 64)'),
  },
  // IPv6 brokers are written `[::1]:9092`, as kafkajs expects.
  'host-port': {
    describe: '`host:port`, IPv6 as `[::1]:9092`',
    check: (value) => {
      const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]/]+):(\d{1,5})$/.exec(value);
      if (!m) return 'must be `host:port`';
      const port = Number(m[2]);
      return port >= 1 && port <= 65535 ? undefined : 'has a port outside 1..65535';
    },
  },
  'redis-url': { describe: '`redis://` or `rediss://` URL', check: url(['redis:', 'rediss:']) },
  'http-url': { describe: '`http://` or `https://` URL', check: url(['http:', 'https:']) },
  // Kafka topic and group names allow [a-zA-Z0-9._-] only.
  'kafka-name': {
    describe: 'letters, digits, `.`, `_`, `-`',
    check: pattern(/^[A-Za-z0-9._-]*$/, 'letters, digits, `.`, `_` or `-` (Kafka name characters)'),
  },
  // Elasticsearch index names are lowercase and may not start with `-`, `_` or `+`.
  'index-prefix': {
    describe: 'lowercase letters, digits, `.`, `_`, `-`; starts with a letter or digit',
    check: pattern(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit'),
  },
  timezone: {
    describe: 'IANA time zone such as `UTC` or `Europe/Paris`',
    check: (value) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: value });
        return undefined;
      } catch {
        return 'is not an IANA time zone (such as `UTC` or `Europe/Paris`)';
      }
    },
  },
} as const satisfies Record<string, Format>;

export type FormatName = keyof typeof FORMATS;
