import { pino, type Logger } from 'pino';

export type { Logger };

// Logs go to stderr (as Vector's do): stdout is a command's result, which users pipe into jq or grep.
const root = pino(
  {
    level: process.env.VIGIL_LOG_LEVEL ?? 'info',
    base: { service: 'vigil' },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  pino.destination({ dest: 2, sync: true }),
);

/** A structured logger for one component; every line carries its component id. */
export function logger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ component, ...bindings });
}
