import type { EcsEvent } from '../../../core/event/index.js';
import { buildEvent, ipOf, obj, str, verbType, type Json, type RecordContext } from './common.js';

/** A Microsoft 365 Management Activity API record (common schema: `CreationTime`, `Id`, `Operation`, `RecordType`, `Workload`). */
export function isO365Record(r: Json): boolean {
  return typeof r.CreationTime === 'string' && typeof r.Operation === 'string' && r.RecordType !== undefined && typeof r.Id === 'string';
}

/** `ResultStatus` varies by workload: Succeeded, Success, PartiallySucceeded, True, Failed, Failure, False. */
function outcomeOf(status: string | undefined, operation: string): 'success' | 'failure' | 'unknown' {
  if (operation === 'UserLoginFailed') return 'failure';
  if (!status) return 'unknown';
  if (/^(succeeded|success|partiallysucceeded|true)$/i.test(status)) return 'success';
  if (/^(failed|failure|false)$/i.test(status)) return 'failure';
  return 'unknown';
}

const FILE_OPS: Record<string, string> = {
  FileAccessed: 'access',
  FileDownloaded: 'access',
  FilePreviewed: 'access',
  FileUploaded: 'creation',
  FileDeleted: 'deletion',
  FileRecycled: 'deletion',
  FileModified: 'change',
  FileRenamed: 'change',
  FileMoved: 'change',
  FileCopied: 'creation',
};

function categorize(workload: string, operation: string): { category: string[]; type: string[] } {
  if (operation === 'UserLoggedIn' || operation === 'UserLoginFailed') return { category: ['authentication'], type: ['start'] };
  const file = FILE_OPS[operation];
  if (file) return { category: ['file'], type: [file] };
  if (workload === 'Exchange' && /^(Send|SendAs|SendOnBehalf|MailItemsAccessed|MailboxLogin)$/.test(operation)) {
    return { category: ['email'], type: ['info'] };
  }
  // Entra directory operations read "Add user.", "Update group.", "Add member to role."
  if (workload === 'AzureActiveDirectory' && /\b(user|group|member|role|password)\b/i.test(operation)) {
    const verb = verbType(operation);
    return { category: ['iam'], type: [verb === 'access' ? 'info' : verb, /group/i.test(operation) ? 'group' : 'user'] };
  }
  return { category: ['api'], type: [verbType(operation)] };
}

/**
 * One Management Activity API record → ECS (Office 365 Management Activity API schema:
 * the common schema plus per-workload fields). `CreationTime` is UTC without a zone.
 * `ClientIP` may carry a port or brackets (Exchange): the address is extracted.
 */
export function normalizeO365(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const operation = str(r.Operation) ?? '';
  const workload = str(r.Workload) ?? '';
  const { category, type } = categorize(workload, operation);
  const userId = str(r.UserId);
  const clientIp = str(r.ClientIP) ?? str(r.ClientIPAddress) ?? str(r.ActorIpAddress);
  const objectUrl = /^https?:\/\//.test(str(r.ObjectId) ?? '') ? str(r.ObjectId) : undefined;
  const target = Array.isArray(r.Target) ? r.Target.map(obj).find((t) => t.Type === 5 || t.Type === '5') : undefined;
  return buildEvent(
    ctx,
    original,
    { time: r.CreationTime, dataset: 'o365.audit', module: 'o365', uniqueId: str(r.Id) },
    {
      event: {
        id: str(r.Id),
        action: operation,
        provider: workload,
        code: str(r.RecordType),
        category,
        type,
        outcome: outcomeOf(str(r.ResultStatus), operation),
        reason: str(r.LogonError),
      },
      user: {
        id: userId,
        name: userId,
        email: userId?.includes('@') ? userId : undefined,
        target: category[0] === 'iam' ? { name: str(r.ObjectId) ?? str(target?.ID) } : undefined,
      },
      source: { ip: ipOf(clientIp), address: clientIp },
      organization: { id: str(r.OrganizationId) },
      user_agent: { original: str(r.UserAgent) },
      // SharePoint and OneDrive name the file by its URL: url.original, not file.path.
      file:
        category[0] === 'file'
          ? { path: objectUrl ? undefined : str(r.ObjectId), name: str(r.SourceFileName), extension: str(r.SourceFileExtension) }
          : undefined,
      url: category[0] === 'file' && objectUrl ? { original: objectUrl } : undefined,
      o365: {
        audit: {
          record_type: typeof r.RecordType === 'number' ? r.RecordType : str(r.RecordType),
          user_type: typeof r.UserType === 'number' ? r.UserType : str(r.UserType),
          user_key: str(r.UserKey),
          workload,
          object_id: str(r.ObjectId),
          result_status: str(r.ResultStatus),
          site_url: str(r.SiteUrl),
          // Exchange cmdlets (New-InboxRule, Set-Mailbox): [{Name, Value}] → {Name: Value}.
          parameters: Array.isArray(r.Parameters)
            ? Object.fromEntries(
                r.Parameters.map(obj)
                  .filter((p) => str(p.Name))
                  .map((p) => [str(p.Name), str(p.Value) ?? '']),
              )
            : undefined,
        },
      },
    },
  );
}
