import { StandIn, type Seen } from '../standin.js';

/** PagerDuty Events API v2 /v2/enqueue: 202 on success; 400 {status: "invalid event"}; dedups by dedup_key. */
export const PD_ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

export function pagerdutyStandIn(): StandIn & { alerts: Map<string, string> } {
  const alerts = new Map<string, string>();
  const s = new StandIn([
    [
      'POST',
      '/v2/enqueue',
      (req: Seen) => {
        const b = req.body as {
          routing_key?: string;
          event_action?: string;
          dedup_key?: string;
          payload?: { summary?: string; source?: string; severity?: string };
        };
        const invalid = (why: string) => ({
          status: 400,
          body: { status: 'invalid event', message: 'Event object is invalid', errors: [why] },
        });
        if (b.routing_key !== PD_ROUTING_KEY) return invalid("'routing_key' is invalid");
        if (b.event_action === 'trigger' && (!b.payload?.summary || !b.payload.source || !b.payload.severity))
          return invalid("'payload' is missing or blank");
        const key = b.dedup_key ?? `pd-${alerts.size + 1}`;
        alerts.set(key, b.event_action ?? '');
        return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } };
      },
    ],
  ]);
  return Object.assign(s, { alerts });
}
