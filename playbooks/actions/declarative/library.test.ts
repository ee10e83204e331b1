import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../core/errors/index.js';
import { failure, loopbackContext } from '../../../test/support/actions.js';
import { abuseipdbStandIn, ABUSE_KEY } from '../../../test/support/standins/abuseipdb.js';
import { crowdstrikeStandIn, CS_CLIENT } from '../../../test/support/standins/crowdstrike.js';
import { greynoiseStandIn } from '../../../test/support/standins/greynoise.js';
import { jiraStandIn, JIRA_EMAIL, JIRA_TOKEN } from '../../../test/support/standins/jira.js';
import { pagerdutyStandIn, PD_ROUTING_KEY } from '../../../test/support/standins/pagerduty.js';
import { rdapStandIn } from '../../../test/support/standins/rdap.js';
import { slackStandIn, SLACK_TOKEN } from '../../../test/support/standins/slack.js';
import { teamsStandIn, TEAMS_PATH } from '../../../test/support/standins/teams.js';
import { thehiveStandIn, HIVE_KEY } from '../../../test/support/standins/thehive.js';
import { virustotalStandIn, VT_KEY } from '../../../test/support/standins/virustotal.js';
import { ACTIONS, isActionName } from '../registry.js';
import { toAction } from './action.js';
import { LIBRARY_DIR, libraryFileNames, parseLibraryFile } from './index.js';
import { RateLimiter } from './limiter.js';

const call = (name: string, args: Record<string, unknown>, key?: string) => {
  if (!isActionName(name)) throw new Error(`no action ${name}`);
  return ACTIONS[name].run(args, loopbackContext(key ? { idempotencyKey: key } : {}));
};

describe('the action library', () => {
  it('registers every library file, and every registered library action has its file', () => {
    const files = libraryFileNames();
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const name of files) expect(isActionName(name), name).toBe(true);
    const core = new Set([
      'http.request',
      'email.send',
      'kafka.produce',
      'elasticsearch.query',
      'incident.update',
      'transform',
      'nftables.block_address',
      'nftables.unblock_address',
      'edl.add',
      'edl.remove',
      'aws.iam.deactivate_access_key',
    ]);
    expect(
      Object.keys(ACTIONS)
        .filter((n) => !core.has(n))
        .sort(),
    ).toEqual(files);
  });

  it('declares for each action whether it is idempotent, and its typed inputs', () => {
    for (const name of libraryFileNames()) {
      const spec = ACTIONS[name as keyof typeof ACTIONS];
      expect(typeof spec.idempotent, name).toBe('boolean');
      expect(Object.keys(spec.inputs ?? {}).sort()).toEqual([...spec.args.required, ...spec.args.optional].sort());
    }
  });

  const slackText = readFileSync(`${LIBRARY_DIR}slack.post_message.yml`, 'utf8');
  it.each([
    [slackText.replace('idempotency: { idempotent: false }', ''), /idempotency.idempotent \(true or false\) is required/, undefined],
    [slackText.replace("    text: '${{ inputs.text }}'", "    text: '${{ inputs.txt }}'"), /inputs.txt is not a declared input/, undefined],
    [slackText.replace('  ts: $.body.ts', '  ts: $.body[?(@.x)]'), /result.ts: .*script expressions are not allowed/, 32],
    [slackText.replace('result:', 'results:'), /unknown field "results"/, 31],
    [slackText.replace('  channel: $.body.channel', '  channel: "${{ process.env }}"'), /^result.channel: .*unsupported segment/, 31],
    [slackText.replace('  method: POST', '  method: BREW'), /method must be one of/, 12],
    [`${slackText}\n  : [`, /YAML|Unexpected|flow/i, undefined],
  ])('refuses a broken file with what and where (%#)', (text, why, line) => {
    let err: unknown;
    try {
      parseLibraryFile(text, '/lib/slack.post_message.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('ACTION_LIBRARY_INVALID');
    expect((err as VigilError).message).toMatch(why);
    expect((err as VigilError).location?.file).toBe('/lib/slack.post_message.yml');
    if (line !== undefined) expect((err as VigilError).location?.line).toBe(line);
  });

  it('checks inputs: unknown, missing, wrong type, outside the enum', async () => {
    expect((await failure(call('pagerduty.send_event', { routing_key: 'k', nope: 1 }))).message).toMatch(/no input "nope"/);
    expect((await failure(call('slack.post_message', { token: 't', channel: 'C1' }))).message).toMatch(/text is required/);
    expect((await failure(call('abuseipdb.check', { api_key: 'k', ip: '1.2.3.4', max_age_days: '90' }))).message).toMatch(
      /max_age_days must be an integer/,
    );
    expect((await failure(call('pagerduty.send_event', { routing_key: 'k', severity: 'sev1' }))).message).toMatch(
      /severity must be one of critical/,
    );
    expect((await failure(call('slack.post_message', { token: 't', channel: 'C1', text: 'x', base_url: 'file:///etc' }))).message).toMatch(
      /base_url must be an http\(s\) URL/,
    );
  });
});

describe('RateLimiter', () => {
  it('lets `requests` calls through per window and holds the next one until the window moves', async () => {
    const limiter = new RateLimiter(2, 300);
    const signal = new AbortController().signal;
    const started = Date.now();
    await limiter.acquire(signal);
    await limiter.acquire(signal);
    expect(Date.now() - started).toBeLessThan(100);
    await limiter.acquire(signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('stops waiting when the step aborts', async () => {
    const limiter = new RateLimiter(1, 60_000);
    const ctrl = new AbortController();
    await limiter.acquire(ctrl.signal);
    setTimeout(() => ctrl.abort(), 50);
    await expect(limiter.acquire(ctrl.signal)).rejects.toMatchObject({ code: 'ACTION_FAILED' });
  });
});

describe('slack.post_message (stand-in)', () => {
  const slack = slackStandIn();
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());
  const args = (more: Record<string, unknown> = {}) => ({
    token: SLACK_TOKEN,
    channel: 'C0123',
    text: 'Blocked 203.0.113.9',
    base_url: `${slack.base}/api`,
    ...more,
  });

  it('posts with the bearer token and maps the result', async () => {
    expect(await call('slack.post_message', args({ thread_ts: '1.2' }))).toEqual({ channel: 'C0123', ts: '1700000000.000100' });
    expect(slack.seen.at(-1)).toMatchObject({
      headers: { authorization: `Bearer ${SLACK_TOKEN}` },
      body: { channel: 'C0123', text: 'Blocked 203.0.113.9', thread_ts: '1.2' },
    });
    expect(slack.seen.at(-1)?.body).not.toHaveProperty('blocks');
  });

  it('rejects an ok:false answer with its code, and retries Slack codes that are transient', async () => {
    const bad = await failure(call('slack.post_message', args({ token: 'xoxb-wrong' })));
    expect(bad).toMatchObject({ code: 'ACTION_REJECTED', message: 'slack.post_message: HTTP 200 invalid_auth' });
    const transient = await failure(call('slack.post_message', args({ channel: 'C-BROKEN' })));
    expect(transient).toMatchObject({ code: 'ACTION_FAILED', message: 'slack.post_message: HTTP 200 internal_error' });
  });

  it('waits out a 429 Retry-After within max_wait, and fails the attempt when it is longer', async () => {
    slack.throttle(1, '1');
    const before = slack.seen.length;
    const started = Date.now();
    expect(await call('slack.post_message', args())).toMatchObject({ ts: '1700000000.000100' });
    expect(slack.seen.length - before).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    slack.throttle(1, '120');
    const f = await failure(call('slack.post_message', args()));
    expect(f).toMatchObject({ code: 'ACTION_FAILED', message: 'slack.post_message: HTTP 429 ratelimited (retry after 120 s)' });
  });
});

describe('teams.post_card (stand-in)', () => {
  const teams = teamsStandIn();
  beforeAll(() => teams.start());
  afterAll(() => teams.stop());

  it('posts an Adaptive Card to the webhook', async () => {
    expect(
      await call('teams.post_card', { webhook_url: `${teams.base}${TEAMS_PATH}`, title: 'Incident 42', text: '**critical**' }),
    ).toEqual({ status: 200 });
    const card = (teams.seen.at(-1)?.body as { attachments: Array<{ content: { body: Array<{ text: string }> } }> }).attachments[0]
      ?.content;
    expect(card?.body.map((b) => b.text)).toEqual(['Incident 42', '**critical**']);
  });

  it('rejects a refused payload without the webhook token in the message, and retries a 429', async () => {
    const f = await failure(
      call('teams.post_card', { webhook_url: `${teams.base}/webhookb2/other/IncomingWebhook/9/secret-token`, title: 't', text: 'x' }),
    );
    expect(f.code).toBe('ACTION_REJECTED');
    expect(f.message).not.toMatch(/secret-token/);
    teams.throttle(3, '0');
    expect((await failure(call('teams.post_card', { webhook_url: `${teams.base}${TEAMS_PATH}`, title: 't', text: 'x' }))).code).toBe(
      'ACTION_FAILED',
    );
  });
});

describe('pagerduty.send_event (stand-in)', () => {
  const pd = pagerdutyStandIn();
  beforeAll(() => pd.start());
  afterAll(() => pd.stop());
  const args = { routing_key: PD_ROUTING_KEY, summary: 'SSH brute force from 203.0.113.9', severity: 'critical' };

  it('uses the idempotency key as dedup_key, so a retried step updates one alert', async () => {
    const first = await call('pagerduty.send_event', { ...args, base_url: pd.base }, 'run7:page:1');
    const again = await call('pagerduty.send_event', { ...args, base_url: pd.base }, 'run7:page:1');
    expect(first).toEqual({ status: 'success', dedup_key: 'run7:page:1', message: 'Event processed' });
    expect(again).toEqual(first);
    expect([...pd.alerts.keys()]).toEqual(['run7:page:1']);
    expect(ACTIONS['pagerduty.send_event'].idempotent).toBe(true);
  });

  it("rejects an invalid event with PagerDuty's reasons", async () => {
    const f = await failure(call('pagerduty.send_event', { routing_key: 'wrong', summary: 's', base_url: pd.base }));
    expect(f).toMatchObject({ code: 'ACTION_REJECTED' });
    expect(f.message).toBe('pagerduty.send_event: HTTP 400 invalid event: ["\'routing_key\' is invalid"]');
  });
});

describe('jira (stand-in)', () => {
  const jira = jiraStandIn();
  beforeAll(() => jira.start());
  afterAll(() => jira.stop());
  const auth = () => ({ base_url: jira.base, email: JIRA_EMAIL, api_token: JIRA_TOKEN });

  it('creates an issue with an ADF description, comments on it and transitions it', async () => {
    const created = await call('jira.create_issue', {
      ...auth(),
      project: 'SEC',
      summary: 'Brute force',
      description: 'From 203.0.113.9',
      labels: ['vigil'],
    });
    expect(created).toMatchObject({ id: '10001', key: 'SEC-1' });
    const fields = jira.issues.get('SEC-1')?.fields as Record<string, unknown>;
    expect(fields).toEqual({
      project: { key: 'SEC' },
      summary: 'Brute force',
      issuetype: { name: 'Task' },
      labels: ['vigil'],
      description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'From 203.0.113.9' }] }] },
    });
    expect(await call('jira.add_comment', { ...auth(), issue: 'SEC-1', text: 'Blocked.' })).toMatchObject({ id: '1' });
    expect(await call('jira.transition_issue', { ...auth(), issue: 'SEC-1', transition_id: '31' })).toEqual({ status: 204 });
    expect(jira.issues.get('SEC-1')?.status).toBe('Done');
  });

  it("rejects bad credentials and an unknown issue with Jira's messages", async () => {
    const denied = await failure(call('jira.add_comment', { ...auth(), api_token: 'nope', issue: 'SEC-1', text: 'x' }));
    expect(denied.message).toBe('jira.add_comment: HTTP 401: ["Client must be authenticated to access this resource."]');
    expect((await failure(call('jira.add_comment', { ...auth(), issue: 'SEC-99', text: 'x' }))).code).toBe('ACTION_REJECTED');
  });

  it('percent-encodes an input in the URL path, so it cannot change the path', async () => {
    await failure(call('jira.add_comment', { ...auth(), issue: '../../../admin?x=1', text: 'x' }));
    expect(jira.seen.at(-1)?.path).toBe(`/rest/api/3/issue/${encodeURIComponent('../../../admin?x=1')}/comment`);
  });
});

describe('thehive.create_alert (stand-in)', () => {
  const hive = thehiveStandIn();
  beforeAll(() => hive.start());
  afterAll(() => hive.stop());
  const args = () => ({
    base_url: hive.base,
    api_key: HIVE_KEY,
    title: 'Brute force',
    description: 'From 203.0.113.9',
    observables: [{ dataType: 'ip', data: '203.0.113.9' }],
  });

  it('creates an alert whose sourceRef is the idempotency key; a repeat is refused, never a second alert', async () => {
    expect(await call('thehive.create_alert', args(), 'run3:alert:1')).toEqual({ id: '~4097', number: 1, status: 'New' });
    expect(hive.alerts[0]).toMatchObject({ type: 'vigil-incident', source: 'vigil', sourceRef: 'run3:alert:1', severity: 2 });
    const again = await failure(call('thehive.create_alert', args(), 'run3:alert:1'));
    expect(again.message).toBe('thehive.create_alert: HTTP 400 CreateError: Alert run3:alert:1 already exists');
    expect(hive.alerts).toHaveLength(1);
  });

  it('rejects a wrong API key', async () => {
    expect((await failure(call('thehive.create_alert', { ...args(), api_key: 'x' }, 'k'))).message).toMatch(/HTTP 401 AuthenticationError/);
  });
});

describe('virustotal (stand-in)', () => {
  const vt = virustotalStandIn();
  beforeAll(() => vt.start());
  afterAll(() => vt.stop());
  // The public API allows 4 lookups a minute; these tests make more, so they lift the limit.
  const fast = (name: string) => {
    const spec = parseLibraryFile(readFileSync(`${LIBRARY_DIR}${name}.yml`, 'utf8'), name);
    return toAction({ ...spec, rateLimit: { ...spec.rateLimit, requests: 100 } });
  };
  const base = () => `${vt.base}/api/v3`;

  it('reads ip, domain and file reports with x-apikey', async () => {
    expect(await fast('virustotal.ip_report').run({ api_key: VT_KEY, ip: '203.0.113.9', base_url: base() }, loopbackContext())).toEqual({
      ip: '203.0.113.9',
      malicious: 7,
      suspicious: 1,
      harmless: 60,
      reputation: -12,
      country: 'NL',
      as_owner: 'Example Hosting',
    });
    expect(vt.seen.at(-1)?.headers['x-apikey']).toBe(VT_KEY);
    expect(
      await fast('virustotal.domain_report').run({ api_key: VT_KEY, domain: 'evil.example', base_url: base() }, loopbackContext()),
    ).toMatchObject({
      domain: 'evil.example',
      malicious: 9,
      registrar: 'Example Registrar',
    });
    expect(
      await fast('virustotal.file_report').run({ api_key: VT_KEY, hash: 'a'.repeat(64), base_url: base() }, loopbackContext()),
    ).toMatchObject({
      sha256: 'a'.repeat(64),
      malicious: 50,
      name: 'dropper.exe',
    });
  });

  it('maps VirusTotal error codes: NotFoundError and WrongCredentialsError reject, QuotaExceededError retries', async () => {
    const ip = fast('virustotal.ip_report');
    const missing = await failure(ip.run({ api_key: VT_KEY, ip: '198.51.100.7', base_url: base() }, loopbackContext()));
    expect(missing).toMatchObject({
      code: 'ACTION_REJECTED',
      message: 'virustotal.ip_report: HTTP 404 NotFoundError: ip_address "198.51.100.7" not found',
    });
    expect((await failure(ip.run({ api_key: 'bad', ip: '203.0.113.9', base_url: base() }, loopbackContext()))).message).toMatch(
      /HTTP 401 WrongCredentialsError/,
    );
    vt.throttle(1, '0');
    expect(await ip.run({ api_key: VT_KEY, ip: '203.0.113.9', base_url: base() }, loopbackContext())).toMatchObject({ malicious: 7 });
  });
});

describe('abuseipdb.check (stand-in)', () => {
  const abuse = abuseipdbStandIn();
  beforeAll(() => abuse.start());
  afterAll(() => abuse.stop());

  it('checks an address with the Key header and query parameters', async () => {
    expect(await call('abuseipdb.check', { api_key: ABUSE_KEY, ip: '203.0.113.9', base_url: `${abuse.base}/api/v2` })).toMatchObject({
      ip: '203.0.113.9',
      score: 100,
      total_reports: 42,
      country: 'NL',
    });
    const req = abuse.seen.at(-1);
    expect(req?.headers.key).toBe(ABUSE_KEY);
    expect(Object.fromEntries(req?.query ?? [])).toEqual({ ipAddress: '203.0.113.9', maxAgeInDays: '90' });
  });

  it('rejects a 422 with its detail, and fails a 429 whose Retry-After is past max_wait', async () => {
    const bad = await failure(call('abuseipdb.check', { api_key: ABUSE_KEY, ip: 'not-an-ip', base_url: `${abuse.base}/api/v2` }));
    expect(bad.message).toMatch(/^abuseipdb.check: HTTP 422 422: The ip address must be a valid/);
    abuse.throttle(1, '3600');
    const limited = await failure(call('abuseipdb.check', { api_key: ABUSE_KEY, ip: '203.0.113.9', base_url: `${abuse.base}/api/v2` }));
    expect(limited).toMatchObject({ code: 'ACTION_FAILED' });
    expect(limited.message).toMatch(/Daily rate limit.*\(retry after 3600 s\)/);
  });
});

describe('greynoise.community (stand-in)', () => {
  const gn = greynoiseStandIn();
  beforeAll(() => gn.start());
  afterAll(() => gn.stop());

  it('reads a seen address (200) and an unseen one (404) as answers', async () => {
    expect(await call('greynoise.community', { ip: '203.0.113.9', base_url: gn.base })).toMatchObject({
      noise: true,
      classification: 'malicious',
    });
    expect(await call('greynoise.community', { ip: '198.51.100.1', base_url: gn.base })).toMatchObject({
      noise: false,
      riot: false,
      classification: null,
    });
    expect(gn.seen.at(-1)?.headers.key).toBeUndefined();
    expect((await failure(call('greynoise.community', { ip: 'x', base_url: gn.base }))).message).toBe(
      'greynoise.community: HTTP 400: Request is not a valid routable IPv4 address',
    );
  });
});

describe('rdap.ip (stand-in)', () => {
  const rdap = rdapStandIn();
  beforeAll(() => rdap.start());
  afterAll(() => rdap.stop());

  it('follows the bootstrap redirect to the registry', async () => {
    expect(await call('rdap.ip', { ip: '203.0.113.9', base_url: rdap.base })).toMatchObject({
      handle: 'NET-203-0-113-0-1',
      name: 'TEST-NET-3',
      start_address: '203.0.113.0',
      country: 'AU',
    });
    expect(rdap.seen.slice(-2).map((s) => s.path)).toEqual(['/ip/203.0.113.9', '/registry/ip/203.0.113.9']);
    expect((await failure(call('rdap.ip', { ip: '198.51.100.1', base_url: rdap.base }))).message).toBe('rdap.ip: HTTP 404 404: Not Found');
  });
});

describe('crowdstrike (stand-in)', () => {
  const cs = crowdstrikeStandIn();
  beforeAll(() => cs.start());
  afterAll(() => cs.stop());
  const device = '0123456789abcdef0123456789abcdef';
  const args = () => ({ client_id: CS_CLIENT.id, client_secret: CS_CLIENT.secret, device_id: device, base_url: cs.base });

  it('gets a token once (client credentials) and contains, then lifts, the host', async () => {
    expect(await call('crowdstrike.contain_host', args())).toEqual({ device_id: device, trace_id: 'trace-1' });
    expect(cs.contained.has(device)).toBe(true);
    expect(await call('crowdstrike.lift_containment', args())).toMatchObject({ device_id: device });
    expect(cs.contained.has(device)).toBe(false);
    expect(cs.tokensIssued()).toBe(1);
    expect(cs.seen[0]?.body).toEqual({ grant_type: 'client_credentials', client_id: CS_CLIENT.id, client_secret: CS_CLIENT.secret });
  });

  it('gets a new token once when the API refuses the cached one', async () => {
    cs.revokeTokens();
    await call('crowdstrike.contain_host', args());
    expect(cs.tokensIssued()).toBe(2);
  });

  it("rejects a wrong client secret and an unknown device with Falcon's errors", async () => {
    const denied = await failure(call('crowdstrike.contain_host', { ...args(), client_id: 'other', client_secret: 'wrong' }));
    expect(denied).toMatchObject({ code: 'ACTION_REJECTED' });
    expect(denied.message).not.toMatch(/wrong/);
    const unknown = await failure(call('crowdstrike.contain_host', { ...args(), device_id: 'nope' }));
    expect(unknown.message).toBe('crowdstrike.contain_host: HTTP 404 404: Could not find device nope');
  });
});
