/**
 * Named string formats the schema refers to by name. Each returns `undefined` when the value
 * is fine, else what is wrong (a message fragment that never echoes the value: `shared-secret`
 * is used on sensitive fields).
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

/** Shortest shared secret accepted: 16 characters, about 96 bits when they are random base64. */
export const MIN_SECRET_LENGTH = 16;

// Compared on the lowercased letters and digits only, so `Change_Me`, `CHANGE-ME-123` match too.
const PLACEHOLDER_PARTS = ['changeme', 'replaceme', 'placeholder', 'yoursecret', 'yourtoken', 'yourkey', 'xxxx', 'todo', 'fixme'];
const PLACEHOLDER_WORDS = new Set(['secret', 'password', 'passwd', 'token', 'accesskey', 'apikey', 'key', 'test', 'example', 'default']);

function sharedSecret(value: string): string | undefined {
  if (value.trim() === '') return 'must not be empty';
  const plain = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  // Two distinct characters or fewer: `0000…`, `abab…`.
  const placeholder = PLACEHOLDER_WORDS.has(plain) || PLACEHOLDER_PARTS.some((p) => plain.includes(p)) || new Set(plain).size <= 2;
  const generate = 'generate a random one (e.g. `openssl rand -hex 24`)';
  if (placeholder) return `looks like a placeholder: ${generate}`;
  if (value.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters: ${generate}`;
  return undefined;
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
  // What `openssl x509 -fingerprint -sha256` and Elasticsearch print: 32 bytes, hex, colons optional.
  'sha256-fingerprint': {
    describe: 'SHA-256 fingerprint: 64 hex digits, colons allowed (`AB:CD:…`)',
    check: (value) =>
      /^[0-9A-Fa-f]{64}$/.test(value.replace(/:/g, '')) && /^([0-9A-Fa-f]{2}(:|$))+$|^[0-9A-Fa-f]{64}$/.test(value)
        ? undefined
        : 'must be a SHA-256 fingerprint: 64 hex digits, colons allowed between bytes',
  },
  // A secret that senders must present to us (HEC token, Firehose access key). Placeholders
  // copied from an example and short values are guessable, so they are refused.
  'shared-secret': {
    describe: 'at least 16 characters, not a placeholder such as `change-me`',
    check: sharedSecret,
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
