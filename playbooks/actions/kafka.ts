import { RecordTooLargeError } from '../../core/bus/index.js';
import { VigilError } from '../../core/errors/index.js';
import { abortedBy, argChecker, describeError } from './args.js';
import type { ActionSpec } from './types.js';

const check = argChecker('kafka.produce');
/** Kafka's own topic name rule (legal characters, at most 249 of them). */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** The result of `kafka.produce`. */
export interface ProduceResult {
  topic: string;
  key: string | null;
}

/**
 * `kafka.produce`: writes one record through the worker's bus producer (acks=all, so it resolves
 * once Kafka has it). `value` is sent as is when a string, else as JSON; `key` keeps records of one
 * key in order; `headers` are strings. The idempotency key goes in the `idempotency-key` header
 * for consumers to drop a record a retried step wrote twice.
 */
export const kafkaProduce: ActionSpec = {
  description: 'Writes one record to a Kafka topic and returns {topic, key}',
  args: { required: ['topic', 'value'], optional: ['key', 'headers'] },
  inputs: {
    topic: { type: 'string', required: true, description: 'the full topic name' },
    value: { type: 'any', required: true, description: 'a string as is, anything else as JSON' },
    key: { type: 'string', required: false },
    headers: { type: 'object', required: false, description: 'string values' },
  },
  idempotent: false,
  async run(args, ctx) {
    const topic = check.string(args, 'topic');
    if (!TOPIC.test(topic)) check.reject(`topic "${topic}" is not a valid Kafka topic name`);
    const key = check.optionalString(args, 'key') ?? null;
    const { value, headers = {} } = args;
    if (value === undefined) check.reject('value is required');
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return check.reject('headers must be a map');
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') check.reject(`header ${k} must be a string`);
      outHeaders[k] = String(v);
    }
    if (ctx.idempotencyKey) outHeaders['idempotency-key'] = ctx.idempotencyKey;
    const publisher = ctx.services?.publisher ?? check.reject('no Kafka producer was given to this worker');
    const record = { key, value: typeof value === 'string' ? value : JSON.stringify(value), headers: outHeaders };
    try {
      await Promise.race([publisher.send(topic, [record]), abortedBy(ctx.signal, 'kafka.produce')]);
    } catch (err) {
      if (err instanceof VigilError && err.code.startsWith('ACTION_')) throw err;
      const permanent = err instanceof RecordTooLargeError || (err instanceof VigilError && !err.retriable);
      throw new VigilError(permanent ? 'ACTION_REJECTED' : 'ACTION_FAILED', `kafka.produce: ${describeError(err)}`, { cause: err });
    }
    return { topic, key } satisfies ProduceResult;
  },
};
