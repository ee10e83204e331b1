import { describe, expect, it } from 'vitest';
import { REDACTED, redactor } from './template.js';

/**
 * A target may echo what it was sent in another form than the secret's own text: the
 * Authorization header of HTTP Basic auth, a URL it was called with, a JSON document it
 * received. The redactor scrubs those forms too, wherever they land (logs, the audit trail,
 * step results in Redis).
 */
const TOKEN = 'tok-9f8e7d6c5b4a/+x"y\\z';
const redact = redactor({ JIRA_TOKEN: TOKEN });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Every run of base64 characters in `text`, decoded. */
const decodedRuns = (text: string) =>
  (text.match(/[A-Za-z0-9+/_-]{4,}={0,2}/g) ?? []).map((r) => Buffer.from(r, 'base64').toString('latin1'));

describe('secrets: encoded forms are redacted', () => {
  it('the base64 of the secret alone (standard and URL alphabets)', () => {
    expect(redact(`Bearer ${b64(TOKEN)}`)).toBe(`Bearer ${REDACTED}`);
    expect(redact({ echoed: `k=${b64url(TOKEN)};` })).toEqual({ echoed: `k=${REDACTED};` });
  });

  // Users of every length put the secret at each of base64's three alignments.
  it.each(['a', 'ab', 'abc', 'soc@example.test', 'soc-bot@example.test', 'x'.repeat(31)])(
    'HTTP Basic auth of user %j and the secret as its password, whatever the user',
    (user) => {
      const header = `Basic ${b64(`${user}:${TOKEN}`)}`;
      const out = redact({ headers: { authorization: header }, body: `echo: ${header}` });
      expect(out.headers.authorization).toContain(REDACTED);
      expect(out.body).toContain(REDACTED);
      // What is left of the base64 decodes to the user's part at most: not a byte run of the secret.
      for (const text of decodedRuns(out.headers.authorization)) {
        for (let i = 0; i + 4 <= TOKEN.length; i++) expect(text).not.toContain(TOKEN.slice(i, i + 4));
      }
    },
  );

  it('HTTP Basic auth where the secret is the user name (an API key with an empty password)', () => {
    const out = redact(`Authorization: Basic ${b64(`${TOKEN}:`)}`);
    expect(out).toContain(REDACTED);
    for (const text of decodedRuns(out)) expect(text).not.toContain(TOKEN.slice(4, 12));
  });

  it('URL-encoded, as a query string or form body would carry it', () => {
    expect(redact(`GET /cb?token=${encodeURIComponent(TOKEN)}&x=1`)).toBe(`GET /cb?token=${REDACTED}&x=1`);
    expect(redact(`token=${new URLSearchParams({ t: TOKEN }).toString().slice(2)}`)).toBe(`token=${REDACTED}`);
  });

  it('JSON-escaped, as a text body that quotes the request would carry it', () => {
    const body = JSON.stringify({ received: { api_key: TOKEN } });
    expect(redact(`upstream said: ${body}`)).toBe(`upstream said: {"received":{"api_key":"${REDACTED}"}}`);
    const unicode = redactor({ PASS: 'pässwörd-123' });
    expect(unicode('{"p":"p\\u00e4ssw\\u00f6rd-123"}')).toBe(`{"p":"${REDACTED}"}`);
  });

  it('leaves ordinary base64 and text alone', () => {
    const other = `Basic ${b64('alice:not-the-secret-at-all')}`;
    expect(redact(other)).toBe(other);
    expect(redact('plain words')).toBe('plain words');
  });
});
