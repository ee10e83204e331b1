import { describe, expect, it } from 'vitest';
import { unwrapPush } from './envelope.js';

describe('Pub/Sub push envelope', () => {
  it('unwraps a wrapped delivery', () => {
    const body = {
      message: {
        data: Buffer.from('{"a":1}').toString('base64'),
        attributes: { k: 'v' },
        message_id: '7',
        publish_time: '2024-01-01T00:00:00Z',
      },
      subscription: 'projects/p/subscriptions/s',
    };
    expect(unwrapPush(Buffer.from(JSON.stringify(body)), {})).toEqual({
      data: Buffer.from('{"a":1}'),
      attributes: { k: 'v' },
      messageId: '7',
      publishTime: '2024-01-01T00:00:00Z',
      subscription: 'projects/p/subscriptions/s',
    });
  });

  it('refuses data that is not base64', () => {
    expect(unwrapPush(Buffer.from('{"message":{"data":"!!"}}'), {})).toEqual({ error: 'message.data is not base64' });
  });

  it('refuses a message with no data, or empty data, instead of acknowledging nothing', () => {
    expect(unwrapPush(Buffer.from('{"message":{"attributes":{"a":"1"}}}'), {})).toEqual({ error: 'message.data is missing' });
    expect(unwrapPush(Buffer.from('{"message":{"data":"","attributes":{"a":"1"}}}'), {})).toEqual({
      error: 'message.data is empty (a message of attributes only)',
    });
  });

  it('takes an unwrapped (--push-no-wrapper) body with metadata headers', () => {
    expect(unwrapPush(Buffer.from('raw'), { 'x-goog-pubsub-message-id': '9', 'x-goog-pubsub-subscription-name': 's' })).toEqual({
      data: Buffer.from('raw'),
      attributes: {},
      messageId: '9',
      subscription: 's',
    });
  });
});
