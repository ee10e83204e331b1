import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { GetAccessKeyLastUsedCommand, IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { VigilError } from '../../../core/errors/index.js';
import { abortedBy, argChecker, describeError } from '../args.js';
import { RateLimiter } from '../declarative/limiter.js';
import { checkedAddresses, guardedLookup } from '../net/guard.js';
import type { ActionSpec } from '../types.js';

const ACTION = 'aws.iam.deactivate_access_key';
const check = argChecker(ACTION);
const DEFAULT_TIMEOUT_MS = 20_000;
/** IAM access key ids: AKIA… (long-term) or ASIA… (temporary), upper-case letters and digits. */
const KEY_ID = /^[A-Z0-9]{16,128}$/;
/** IAM user names (IAM API reference, UserName pattern `[\w+=,.@-]+`, 1–64). */
const USER_NAME = /^[\w+=,.@-]{1,64}$/;
/** AWS error codes worth another try: throttling and IAM's own outages. */
const RETRIABLE = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceFailure',
  'ServiceUnavailable',
  'InternalFailure',
]);
/** IAM has no published per-call quota; this keeps a burst of runs under its control-plane throttling. */
const RATE = { requests: 10, perMs: 1000 };
const limiter = new RateLimiter(RATE.requests, RATE.perMs);

/**
 * `aws.iam.deactivate_access_key`: sets an IAM access key to Inactive (UpdateAccessKey), so that
 * every request signed with it is refused until someone activates it again; the key is kept for
 * the investigation. Without `user_name` the key's user is found with GetAccessKeyLastUsed.
 * Deactivating an inactive key changes nothing: idempotent. AWS's error code is in the message
 * (`NoSuchEntity`, `AccessDenied` …); throttling and IAM outages are ACTION_FAILED, the rest
 * ACTION_REJECTED. The caller's credentials are never in a result or a message.
 */
export const awsIamDeactivateAccessKey: ActionSpec = {
  description: 'Deactivates an AWS IAM access key (UpdateAccessKey Status=Inactive); returns {access_key_id, user_name, status}',
  args: {
    required: ['access_key_id', 'aws_access_key_id', 'aws_secret_access_key'],
    optional: ['user_name', 'aws_session_token', 'region', 'endpoint', 'timeout'],
  },
  inputs: {
    access_key_id: { type: 'string', required: true, description: 'the key to deactivate (AKIA…/ASIA…)' },
    aws_access_key_id: {
      type: 'string',
      required: true,
      secret: true,
      description: 'credentials allowed iam:UpdateAccessKey (and iam:GetAccessKeyLastUsed without user_name)',
    },
    aws_secret_access_key: { type: 'string', required: true, secret: true },
    user_name: { type: 'string', required: false, description: "the key's IAM user (looked up when absent)" },
    aws_session_token: { type: 'string', required: false, secret: true, description: 'with temporary credentials' },
    region: {
      type: 'string',
      required: false,
      default: 'us-east-1',
      description: 'IAM is global; the region only picks the signing endpoint (aws-cn, aws-us-gov)',
    },
    endpoint: { type: 'url', required: false, description: 'another IAM endpoint (a VPC endpoint, a test server)' },
    timeout: { type: 'string', required: false, description: 'the whole exchange, default 20s' },
  },
  idempotent: true,
  rateLimit: RATE,
  run: async (args, ctx) => {
    for (const k of Object.keys(args)) if (!Object.hasOwn(awsIamDeactivateAccessKey.inputs ?? {}, k)) check.reject(`no input "${k}"`);
    const keyId = check.string(args, 'access_key_id');
    if (!KEY_ID.test(keyId)) check.reject('access_key_id must be an IAM access key id (16–128 of A-Z 0-9)');
    const userName = check.optionalString(args, 'user_name');
    if (userName !== undefined && !USER_NAME.test(userName)) check.reject('user_name must be an IAM user name');
    const endpoint = check.optionalString(args, 'endpoint');
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) check.reject('endpoint must be an http(s) URL');
    const sessionToken = check.optionalString(args, 'aws_session_token');
    const timeoutMs = check.timeoutMs(args, DEFAULT_TIMEOUT_MS);
    // Node asks the agents' lookup only for a host name: an IP literal endpoint is checked here.
    const endpointHost = endpoint === undefined ? undefined : new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    if (endpointHost !== undefined && isIP(endpointHost)) await checkedAddresses(endpointHost, ctx.network);
    const lookup = guardedLookup(ctx.network);
    const client = new IAMClient({
      region: check.optionalString(args, 'region') ?? 'us-east-1',
      credentials: {
        accessKeyId: check.string(args, 'aws_access_key_id'),
        secretAccessKey: check.string(args, 'aws_secret_access_key'),
        ...(sessionToken ? { sessionToken } : {}),
      },
      ...(endpoint ? { endpoint } : {}),
      requestHandler: { httpAgent: new HttpAgent({ lookup }), httpsAgent: new HttpsAgent({ lookup }) },
      maxAttempts: 3,
    });
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      await limiter.acquire(signal);
      const send = <T>(p: Promise<T>) => Promise.race([p, abortedBy(signal, ACTION)]);
      const user =
        userName ?? (await send(client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }), { abortSignal: signal }))).UserName;
      if (!user) check.reject(`no IAM user owns ${keyId} (a root user's key cannot be deactivated through IAM)`);
      await send(
        client.send(new UpdateAccessKeyCommand({ AccessKeyId: keyId, UserName: user, Status: 'Inactive' }), { abortSignal: signal }),
      );
      return { access_key_id: keyId, user_name: user, status: 'Inactive' };
    } catch (err) {
      throw err instanceof VigilError ? err : classify(err);
    } finally {
      client.destroy();
    }
  },
};

function classify(err: unknown): VigilError {
  const e = err as { name?: string; Code?: unknown; $metadata?: { httpStatusCode?: number }; message?: string };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return new VigilError('ACTION_FAILED', `${ACTION}: ${describeError(err)}`, { cause: err });
  // The code on the wire (`NoSuchEntity`), as AWS documents it; the SDK's class name as a fallback.
  const code = typeof e.Code === 'string' ? e.Code : (e.name ?? 'UnknownError');
  const retriable = RETRIABLE.has(code) || status >= 500 || status === 429;
  return new VigilError(
    retriable ? 'ACTION_FAILED' : 'ACTION_REJECTED',
    `${ACTION}: ${code} (HTTP ${status}): ${(e.message ?? '').slice(0, 300)}`,
    {
      cause: err,
    },
  );
}
