import { decodeBase64, isObject } from '../../normalize/cloud/index.js';

/** One pushed message, unwrapped. */
export interface PushedMessage {
  data: Buffer;
  messageId?: string;
  publishTime?: string;
  attributes: Record<string, string>;
  subscription?: string;
}

/**
 * A Pub/Sub push request body (wrapped delivery):
 * `{message:{data:<base64>, attributes, messageId, publishTime}, subscription, deliveryAttempt?}`.
 * Pub/Sub writes both `messageId` and `message_id`, `publishTime` and `publish_time`. A
 * subscription with `--push-no-wrapper` posts the data itself: anything that is not this
 * envelope is taken as such a payload, with the `x-goog-pubsub-*` headers as metadata.
 */
export function unwrapPush(body: Buffer, headers: Record<string, string | string[] | undefined>): PushedMessage | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    doc = undefined;
  }
  if (isObject(doc) && isObject(doc.message)) {
    const m = doc.message;
    if (typeof m.data !== 'string') return { error: 'message.data is missing' };
    const data = decodeBase64(m.data);
    if (data === undefined) return { error: 'message.data is not base64' };
    // Pub/Sub allows a message of attributes alone; there is no record in it to normalize, and it must not vanish.
    if (data.length === 0) return { error: 'message.data is empty (a message of attributes only)' };
    const attributes = isObject(m.attributes) ? Object.fromEntries(Object.entries(m.attributes).map(([k, v]) => [k, String(v)])) : {};
    const id = m.messageId ?? m.message_id;
    const time = m.publishTime ?? m.publish_time;
    return {
      data,
      attributes,
      ...(typeof id === 'string' ? { messageId: id } : {}),
      ...(typeof time === 'string' ? { publishTime: time } : {}),
      ...(typeof doc.subscription === 'string' ? { subscription: doc.subscription } : {}),
    };
  }
  const h = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const id = h('x-goog-pubsub-message-id');
  const time = h('x-goog-pubsub-publish-time');
  const subscription = h('x-goog-pubsub-subscription-name');
  return {
    data: body,
    attributes: {},
    ...(id ? { messageId: id } : {}),
    ...(time ? { publishTime: time } : {}),
    ...(subscription ? { subscription } : {}),
  };
}
