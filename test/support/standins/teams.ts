import { StandIn, type Seen } from '../standin.js';

/** A Teams incoming webhook: the token is in the URL; 200 "1" on success, 400 text on a bad card. */
export const TEAMS_PATH = '/webhookb2/abc@def/IncomingWebhook/0123/token';

export function teamsStandIn(): StandIn {
  return new StandIn([
    [
      'POST',
      TEAMS_PATH,
      (req: Seen) => {
        const b = req.body as { type?: string; attachments?: Array<{ contentType?: string; content?: { type?: string } }> };
        const card = b.attachments?.[0];
        if (
          b.type !== 'message' ||
          card?.contentType !== 'application/vnd.microsoft.card.adaptive' ||
          card.content?.type !== 'AdaptiveCard'
        ) {
          return { status: 400, body: 'Bad payload received by generic incoming webhook.' };
        }
        return { status: 200, body: '1' };
      },
    ],
  ]);
}
