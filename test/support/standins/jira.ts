import { StandIn, basicAuth, type Seen } from '../standin.js';

/** Jira Cloud REST v3: Basic email:api_token; issue create (201), comment (201), transition (204). */
export const JIRA_EMAIL = 'soc@example.test';
export const JIRA_TOKEN = 'jira-api-token';

export function jiraStandIn(): StandIn & { issues: Map<string, { fields: unknown; comments: unknown[]; status: string }> } {
  const issues = new Map<string, { fields: unknown; comments: unknown[]; status: string }>();
  const authed = (req: Seen) => {
    const a = basicAuth(req);
    return a?.user === JIRA_EMAIL && a.pass === JIRA_TOKEN;
  };
  const denied = { status: 401, body: { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} } };
  const missing = { status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} } };
  const s: StandIn = new StandIn(
    [
      [
        'POST',
        '/rest/api/3/issue',
        (req) => {
          if (!authed(req)) return denied;
          const f = (req.body as { fields?: { project?: { key?: string }; summary?: string; description?: { type?: string } } }).fields;
          if (f?.project?.key !== 'SEC')
            return { status: 400, body: { errorMessages: [], errors: { project: 'valid project is required' } } };
          if (!f.summary)
            return { status: 400, body: { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } } };
          if (f.description && f.description.type !== 'doc')
            return { status: 400, body: { errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document' } } };
          const key = `SEC-${issues.size + 1}`;
          issues.set(key, { fields: f, comments: [], status: 'To Do' });
          return { status: 201, body: { id: String(10000 + issues.size), key, self: `${s.base}/rest/api/3/issue/${10000 + issues.size}` } };
        },
      ],
      [
        'POST',
        '/rest/api/3/issue/:key/comment',
        (req, p) => {
          if (!authed(req)) return denied;
          const issue = issues.get(p.key ?? '');
          if (!issue) return missing;
          issue.comments.push((req.body as { body?: unknown }).body);
          return { status: 201, body: { id: String(issue.comments.length), created: '2026-01-01T00:00:00.000+0000' } };
        },
      ],
      [
        'POST',
        '/rest/api/3/issue/:key/transitions',
        (req, p) => {
          if (!authed(req)) return denied;
          const issue = issues.get(p.key ?? '');
          if (!issue) return missing;
          const id = (req.body as { transition?: { id?: string } }).transition?.id;
          if (id !== '31')
            return { status: 400, body: { errorMessages: [`Transition id '${id}' is not valid for this issue.`], errors: {} } };
          issue.status = 'Done';
          return { status: 204 };
        },
      ],
    ],
    { status: 429, body: { errorMessages: ['Rate limit exceeded.'], errors: {} } },
  );
  return Object.assign(s, { issues });
}
