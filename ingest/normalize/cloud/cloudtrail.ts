import type { EcsEvent } from '../../../core/event/index.js';
import { buildEvent, ipOf, obj, str, verbType, type Json, type RecordContext } from './common.js';
import { CLOUDTRAIL_EVENT_NAMES } from './cloudtrail-event-names.js';
import { userAgent } from '../user-agent.js';

/** A CloudTrail record: the fields that identify one (AWS CloudTrail record contents, `eventVersion` 1.x). */
export function isCloudTrailRecord(r: Json): boolean {
  return typeof r.eventVersion === 'string' && typeof r.eventSource === 'string' && typeof r.eventName === 'string';
}

const DENIED = /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden/i;

/**
 * The user a CloudTrail `userIdentity` names: the IAM user, `root`, or for an assumed role the
 * role's name (`sessionContext.sessionIssuer.userName`); the session name is kept apart.
 */
function userName(identity: Json): string | undefined {
  const type = str(identity.type);
  if (type === 'Root') return 'root';
  const arn = str(identity.arn);
  return (
    str(identity.userName) ?? str(obj(obj(identity.sessionContext).sessionIssuer).userName) ?? (arn ? arn.split('/').pop() : undefined)
  );
}

/** `arn:aws:sts::123456789012:assumed-role/RoleName/SessionName` → `SessionName`. */
function sessionName(identity: Json): string | undefined {
  const arn = str(identity.arn);
  return str(identity.type) === 'AssumedRole' && arn ? arn.split('/')[2] : undefined;
}

function categorize(source: string, name: string, failed: boolean, errorCode: string | undefined): { category: string[]; type: string[] } {
  const known = CLOUDTRAIL_EVENT_NAMES.get(name);
  if (known) return { category: [known[0]], type: [...known[1]] };
  if (source === 'signin.amazonaws.com') return { category: ['authentication'], type: ['start'] };
  if (source === 'sts.amazonaws.com' && /^(AssumeRole|GetSessionToken|GetFederationToken)/.test(name)) {
    return { category: ['authentication'], type: ['start'] };
  }
  const verb = verbType(name);
  if (source === 'iam.amazonaws.com') {
    const type: string[] = [verb === 'access' ? 'info' : verb];
    if (/User/.test(name)) type.push('user');
    if (/Group/.test(name)) type.push('group');
    return { category: ['iam'], type };
  }
  const type: string[] = [verb];
  if (failed && errorCode && DENIED.test(errorCode)) type.push('denied');
  return { category: ['api'], type };
}

/**
 * One CloudTrail record → ECS, following the AWS CloudTrail record contents reference
 * (`userIdentity`, `eventSource`, `eventName`, `errorCode`, …) and the field choices of
 * Elastic's `aws.cloudtrail` integration. A failed call carries `errorCode`; a failed console
 * sign-in instead says `responseElements.ConsoleLogin: Failure`.
 */
export function normalizeCloudTrail(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const identity = obj(r.userIdentity);
  const source = str(r.eventSource) ?? '';
  const name = str(r.eventName) ?? '';
  const errorCode = str(r.errorCode);
  const consoleResult = str(obj(r.responseElements).ConsoleLogin);
  const failed = consoleResult !== undefined ? consoleResult === 'Failure' : errorCode !== undefined || str(r.errorMessage) !== undefined;
  const { category, type } = categorize(source, name, failed, errorCode);
  const sourceAddress = str(r.sourceIPAddress);
  const request = obj(r.requestParameters);
  const targetUser = source === 'iam.amazonaws.com' ? str(request.userName) : undefined;
  return buildEvent(
    ctx,
    original,
    { time: r.eventTime, dataset: 'aws.cloudtrail', module: 'aws', uniqueId: str(r.eventID) },
    {
      event: {
        id: str(r.eventID),
        action: name,
        provider: source,
        category,
        type,
        outcome: failed ? 'failure' : 'success',
      },
      cloud: {
        provider: 'aws',
        region: str(r.awsRegion),
        // The caller's account, as Elastic's pipeline takes it (`recipientAccountId` is the trail owner's).
        account: { id: str(identity.accountId) ?? str(r.recipientAccountId) },
        service: { name: source.replace(/\.amazonaws\.com$/, '') || undefined },
      },
      user: {
        name: userName(identity),
        id: str(identity.principalId),
        target: { name: targetUser },
      },
      // The group a call names (`AddUserToGroup`, `CreateGroup`, …), as Elastic's pipeline sets it.
      group: { name: str(request.groupName) },
      source: { address: sourceAddress, ip: ipOf(sourceAddress) },
      user_agent: userAgent(str(r.userAgent)),
      error: failed ? { code: errorCode, message: str(r.errorMessage) } : undefined,
      aws: {
        cloudtrail: {
          event_version: str(r.eventVersion),
          event_type: str(r.eventType),
          event_category: str(r.eventCategory),
          read_only: typeof r.readOnly === 'boolean' ? r.readOnly : undefined,
          management_event: typeof r.managementEvent === 'boolean' ? r.managementEvent : undefined,
          request_id: str(r.requestID),
          user_identity: {
            type: str(identity.type),
            arn: str(identity.arn),
            access_key_id: str(identity.accessKeyId),
            invoked_by: str(identity.invokedBy),
            session_name: sessionName(identity),
          },
          mfa_used: str(obj(r.additionalEventData).MFAUsed),
        },
      },
    },
  );
}
