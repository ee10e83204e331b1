import { StandIn } from '../standin.js';

/** TheHive 5 POST /api/v1/alert: Bearer API key; (type, source, sourceRef) unique; errors {type, message}. */
export const HIVE_KEY = 'hive-api-key';

export function thehiveStandIn(): StandIn & { alerts: Array<Record<string, unknown>> } {
  const alerts: Array<Record<string, unknown>> = [];
  const s = new StandIn([
    [
      'POST',
      '/api/v1/alert',
      (req) => {
        if (req.headers.authorization !== `Bearer ${HIVE_KEY}`)
          return { status: 401, body: { type: 'AuthenticationError', message: 'Authentication failure' } };
        const b = req.body as Record<string, unknown>;
        for (const f of ['type', 'source', 'sourceRef', 'title', 'description']) {
          if (typeof b[f] !== 'string')
            return { status: 400, body: { type: 'AttributeCheckingError', message: `[Invalid format for ${f}: ${String(b[f])}]` } };
        }
        if (alerts.some((a) => a.type === b.type && a.source === b.source && a.sourceRef === b.sourceRef)) {
          return { status: 400, body: { type: 'CreateError', message: `Alert ${String(b.sourceRef)} already exists` } };
        }
        alerts.push(b);
        return { status: 201, body: { _id: `~${4096 + alerts.length}`, _type: 'Alert', number: alerts.length, status: 'New', ...b } };
      },
    ],
  ]);
  return Object.assign(s, { alerts });
}
