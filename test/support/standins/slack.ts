import { StandIn, type Seen } from '../standin.js';

/** Slack Web API chat.postMessage: Bearer token; failures are HTTP 200 {ok: false, error}. */
export const SLACK_TOKEN = 'xoxb-test-token';

export function slackStandIn(): StandIn {
  return new StandIn(
    [
      [
        'POST',
        '/api/chat.postMessage',
        (req: Seen) => {
          if (req.headers.authorization === undefined) return { status: 200, body: { ok: false, error: 'not_authed' } };
          if (req.headers.authorization !== `Bearer ${SLACK_TOKEN}`) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
          const b = req.body as { channel?: string; text?: string };
          if (!b.channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
          if (b.channel === 'C-BROKEN') return { status: 200, body: { ok: false, error: 'internal_error' } };
          if (!b.text) return { status: 200, body: { ok: false, error: 'no_text' } };
          return { status: 200, body: { ok: true, channel: b.channel, ts: '1700000000.000100', message: { text: b.text } } };
        },
      ],
    ],
    { status: 429, body: { ok: false, error: 'ratelimited' } },
  );
}
