import { pino, type Logger } from 'pino';

export type { Logger };

const root = pino({
  level: process.env.VIGIL_LOG_LEVEL ?? 'info',
  base: { service: 'vigil' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** A structured logger for one component; every line carries its component id. */
export function logger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ component, ...bindings });
}
