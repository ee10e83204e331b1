import { describe, expect, it } from 'vitest';
import { isVigilError } from '../core/errors/index.js';
import { rateLimitsOf } from './rate-limits.js';

describe('rateLimitsOf', () => {
  it("takes each action's declared limit: core actions' spec, library actions' rate_limit", () => {
    const limits = rateLimitsOf();
    expect(limits.get('nftables.block_address')).toEqual({ requests: 10, perMs: 1000 });
    expect(limits.get('edl.add')).toEqual({ requests: 1000, perMs: 1000 });
    expect(limits.get('slack.post_message')).toEqual({ requests: 1, perMs: 1000 });
    expect(limits.get('okta.suspend_user')).toEqual({ requests: 600, perMs: 60_000 });
    expect(limits.has('http.request')).toBe(false); // declares none
  });

  it('playbooks.rateLimits replaces the default, per second or per minute', () => {
    const limits = rateLimitsOf({ 'slack.post_message': { perSecond: 0.5 }, 'http.request': { perMinute: 30 } });
    expect(limits.get('slack.post_message')).toEqual({ requests: 0.5, perMs: 1000 });
    expect(limits.get('http.request')).toEqual({ requests: 30, perMs: 60_000 });
    expect(limits.get('nftables.block_address')).toEqual({ requests: 10, perMs: 1000 });
  });

  it('refuses an action that does not exist, and a limit with both or neither rate', () => {
    const codeOf = (o: Parameters<typeof rateLimitsOf>[0]) => {
      try {
        rateLimitsOf(o);
        return 'none';
      } catch (err) {
        return isVigilError(err) ? `${err.code} ${err.location?.path ?? ''}` : String(err);
      }
    };
    expect(codeOf({ 'slack.post': { perSecond: 1 } })).toBe('CONFIG_UNKNOWN_FIELD playbooks.rateLimits.slack.post');
    expect(codeOf({ 'slack.post_message': { perSecond: 1, perMinute: 60 } })).toBe(
      'CONFIG_CONFLICT playbooks.rateLimits.slack.post_message',
    );
    expect(codeOf({ 'slack.post_message': {} })).toBe('CONFIG_REQUIRED playbooks.rateLimits.slack.post_message');
  });
});
