import type { EcsEvent } from '../../../core/event/index.js';
import { buildEvent, ipOf, isObject, obj, str, verbType, type Json, type RecordContext } from './common.js';
import { userAgent } from '../user-agent.js';

const AUDIT_LOG_TYPE = 'type.googleapis.com/google.cloud.audit.AuditLog';

/** A Cloud Logging LogEntry whose `protoPayload` is an AuditLog (Cloud Audit Logs). */
export function isGcpAuditEntry(r: Json): boolean {
  return (
    isObject(r.protoPayload) &&
    (obj(r.protoPayload)['@type'] === AUDIT_LOG_TYPE || String(r.logName ?? '').includes('cloudaudit.googleapis.com'))
  );
}

/** A LOG_ID is URL-encoded; a malformed escape (`%E0%A4%A`) leaves it as sent rather than failing the record. */
function decodeLogId(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** `projects/p/logs/cloudaudit.googleapis.com%2Factivity` → `activity` (also data_access, system_event, policy). */
function logType(logName: string | undefined): string | undefined {
  if (!logName) return undefined;
  const last = decodeLogId(logName.split('/logs/')[1] ?? '');
  return last.startsWith('cloudaudit.googleapis.com/') ? last.slice('cloudaudit.googleapis.com/'.length) : undefined;
}

/**
 * The call's outcome as Elastic's pipeline reads it: `status.code` 0 or not; without a status, the
 * one `authorizationInfo` entry's `granted`; else unknown.
 */
function gcpOutcome(code: number | undefined, authz: unknown): 'success' | 'failure' | 'unknown' {
  if (code !== undefined) return code === 0 ? 'success' : 'failure';
  if (Array.isArray(authz) && authz.length === 1 && typeof obj(authz[0]).granted === 'boolean') {
    return obj(authz[0]).granted ? 'success' : 'failure';
  }
  return 'unknown';
}

function categorize(service: string, method: string): { category: string[]; type: string[] } {
  const verb = verbType(method.split('.').pop() ?? method);
  if (service === 'login.googleapis.com') return { category: ['authentication'], type: ['start'] };
  if (service === 'iam.googleapis.com' || service === 'admin.googleapis.com' || /SetIamPolicy$/.test(method)) {
    return { category: ['iam'], type: [verb === 'access' ? 'info' : verb === 'info' ? 'change' : verb] };
  }
  return { category: ['api'], type: [verb] };
}

/**
 * One Cloud Audit Logs LogEntry → ECS. Field names from the LogEntry and AuditLog references:
 * `protoPayload.{serviceName, methodName, resourceName, status, authenticationInfo.principalEmail,
 * requestMetadata.callerIp, requestMetadata.callerSuppliedUserAgent}`, `resource.{type, labels}`,
 * `insertId` (unique per log), `logName`. A non-zero `status.code` (google.rpc.Code) is a failure.
 * `callerIp` may be `private` or `gce-internal-ip`: kept in source.address only.
 */
export function normalizeGcpAudit(r: Json, ctx: RecordContext, original: string): EcsEvent {
  const p = obj(r.protoPayload);
  const status = obj(p.status);
  const code = typeof status.code === 'number' ? status.code : undefined;
  const failed = code !== undefined && code !== 0;
  const outcome = gcpOutcome(code, p.authorizationInfo);
  const meta = obj(p.requestMetadata);
  const auth = obj(p.authenticationInfo);
  const resource = obj(r.resource);
  const labels = obj(resource.labels);
  const service = str(p.serviceName) ?? '';
  const method = str(p.methodName) ?? '';
  const email = str(auth.principalEmail);
  const callerIp = str(meta.callerIp);
  const { category, type } = categorize(service, method);
  if (failed && code === 7 && category[0] === 'api') type.push('denied'); // 7 = PERMISSION_DENIED
  const insertId = str(r.insertId);
  const logName = str(r.logName);
  return buildEvent(
    ctx,
    original,
    {
      time: r.timestamp,
      dataset: 'gcp.audit',
      module: 'gcp',
      uniqueId: insertId ? `${logName ?? ''}/${insertId}` : undefined,
    },
    {
      // The audit log's type (`activity`, `data_access`, …) is the provider, the API service `service.name`, as in Elastic's pipeline.
      event: { id: insertId, action: method, provider: logType(logName), category, type, outcome },
      service: { name: service || undefined },
      cloud: {
        provider: 'gcp',
        project: { id: str(labels.project_id) },
        instance: { id: str(labels.instance_id) },
        availability_zone: str(labels.zone),
        region: str(labels.region) ?? str(labels.location),
        service: { name: service },
      },
      user: { name: email, email: email?.includes('@') ? email : undefined },
      client: { user: { email, id: str(auth.principalSubject) } },
      source: { address: callerIp, ip: ipOf(callerIp) },
      user_agent: userAgent(str(meta.callerSuppliedUserAgent)),
      log: { level: str(r.severity)?.toLowerCase(), logger: logName },
      error: failed ? { code: String(code), message: str(status.message) } : undefined,
      gcp: {
        audit: {
          log_type: logType(logName),
          resource_name: str(p.resourceName),
          resource_type: str(resource.type),
          authorization_info: Array.isArray(p.authorizationInfo)
            ? p.authorizationInfo.map((a) => ({
                permission: str(obj(a).permission),
                granted: obj(a).granted,
                resource: str(obj(a).resource),
              }))
            : undefined,
        },
      },
    },
  );
}
