import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, startApi, type RunningApi } from '../../api/index.js';
import { runIdOf } from '../../playbooks/index.js';
import { SERVICES } from '../support/config.js';
import { find, harness, incident, runEnded, sleep, type Harness } from '../support/playbooks.js';

/**
 * edl.add / edl.remove from playbook runs on real Redis (BullMQ worker), and the list served by the
 * responder API (`startApi`, its own Redis connection, as `vigil run` starts it) fetched with the
 * real curl, as PAN-OS or FortiGate would pull it.
 */
const TOKEN = 'edl-puller-token-0123456789abcdef';
const rule = (id: string) => ({ id, name: id, level: 'high' });
const pb = (id: string, ruleId: string, ...steps: string[]) =>
  [`id: ${id}`, `trigger: { selection: { incident.rule.id: ${ruleId} }, condition: selection }`, 'steps:', ...steps].join('\n');

let h: Harness;
let api: RunningApi;
let es: Client;

beforeAll(async () => {
  h = await harness({
    playbooks: {
      'add.yml': pb(
        'edl-add',
        'r-add',
        '  - ref: short',
        '    action: edl.add',
        '    args: { list: block-ip, entry: "${{ $.incident.source.ip }}", ttl: 2s }',
        '  - ref: long',
        '    for_each: $.incident.entities.ips',
        '    action: edl.add',
        '    args: { list: block-ip, entry: "${{ $.item }}", ttl: 1h }',
        '  - ref: domain',
        '    action: edl.add',
        '    args: { list: block-domain, entry: "${{ $.incident.url.domain }}" }',
      ),
      'one.yml': pb(
        'edl-one',
        'r-one',
        '  - ref: add',
        '    action: edl.add',
        '    args: { list: "${{ $.incident.labels.list }}", entry: "${{ $.incident.labels.entry }}" }',
      ),
      'remove.yml': pb(
        'edl-remove',
        'r-remove',
        '  - ref: remove',
        '    action: edl.remove',
        '    args: { list: block-ip, entry: "${{ $.incident.source.ip }}" }',
      ),
    },
  });
  es = new Client({ node: SERVICES.elasticsearch });
  api = await startApi({
    api: {
      enabled: true,
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 4096,
      tokens: [{ name: 'panos', role: 'viewer', sha256: sha256Hex(TOKEN) }],
    },
    redis: { url: SERVICES.redis, prefix: h.prefix },
    playbooks: { paths: [h.dir], concurrency: 1, dispatchConcurrency: 1, secrets: {} },
    es,
    indexPrefix: `${h.prefix}-none`,
    publisher: { send: async () => undefined },
    statusTopic: 'unused',
    actionsTopic: 'unused',
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await es?.close();
  await h?.close();
});

/** One fetch with curl (a child process; the API answers in this one): `[status, body]`. */
async function curl(list: string, ...opts: string[]): Promise<[number, string]> {
  const { stdout } = await promisify(execFile)(
    'curl',
    ['-sS', '--max-time', '10', '-w', '\n%{http_code}', ...opts, `${api.url}/api/edl/${list}.txt`],
    {
      encoding: 'utf8',
    },
  );
  const cut = stdout.lastIndexOf('\n');
  return [Number(stdout.slice(cut + 1)), stdout.slice(0, cut)];
}
const lines = async (list: string) => {
  const [status, body] = await curl(list, '-u', `panos:${TOKEN}`);
  expect(status).toBe(200);
  return body.split('\n').filter(Boolean);
};
async function run(playbook: string, id: string, fields: Record<string, unknown>) {
  await h.responder.dispatch(incident(id, fields));
  const runId = runIdOf(playbook, id);
  return { runId, end: await runEnded(h, runId) };
}

describe('External Dynamic Lists', () => {
  it('serves what a playbook added to curl with the token as Basic auth, and drops an entry once it expires', async () => {
    const { end } = await run('edl-add', 'inc-edl-1', {
      rule: rule('r-add'),
      source: { ip: '203.0.113.45' },
      entities: { ips: ['198.51.100.7', '2001:DB8::/32'] },
      url: { domain: 'Evil.Example.' },
    });
    expect(end.event.outcome).toBe('success');
    expect((await lines('block-ip')).sort()).toEqual(['198.51.100.7', '2001:db8::/32', '203.0.113.45']);
    expect(await lines('block-domain')).toEqual(['evil.example']);

    const [anonymous, challenge] = await curl('block-ip', '-o', '/dev/null', '-D', '-');
    expect(anonymous).toBe(401);
    expect(challenge).toMatch(/www-authenticate: Bearer, Basic realm="vigil"/i);
    expect((await curl('block-ip', '-u', `panos:${TOKEN}`, '-o', '/dev/null', '-D', '-'))[1]).toMatch(/content-type: text\/plain/i);
    expect((await curl('block-ip', '-u', 'panos:wrong-token'))[0]).toBe(401);
    expect((await curl('block-ip', '-u', `someone-else:${TOKEN}`))[0]).toBe(401);
    expect((await curl('block-ip', '-H', `Authorization: Bearer ${TOKEN}`))[0]).toBe(200);
    expect((await curl('no-such-list', '-u', `panos:${TOKEN}`))[0]).toBe(404);

    await sleep(2_200);
    expect((await lines('block-ip')).sort()).toEqual(['198.51.100.7', '2001:db8::/32']);
  });

  it('adds an entry once however often it is added, and removes it', async () => {
    await run('edl-one', 'inc-edl-2', { rule: rule('r-one'), labels: { list: 'block-ip', entry: '192.0.2.10' } });
    await run('edl-one', 'inc-edl-3', { rule: rule('r-one'), labels: { list: 'block-ip', entry: '192.0.2.10' } });
    expect((await lines('block-ip')).filter((l) => l === '192.0.2.10')).toHaveLength(1);
    const { runId, end } = await run('edl-remove', 'inc-edl-4', { rule: rule('r-remove'), source: { ip: '192.0.2.10' } });
    expect(end.event.outcome).toBe('success');
    expect(find(h.audit, 'playbook.step.succeeded', { run: runId })[0]?.vigil.playbook.result).toEqual({
      list: 'block-ip',
      entry: '192.0.2.10',
      removed: true,
    });
    expect(await lines('block-ip')).not.toContain('192.0.2.10');
  });

  it.each([
    ['block-ip', 'evil.example\n10.0.0.1', /entry must be/],
    ['block-ip', 'http://evil.example/x', /entry must be/],
    ['block-ip', '10.0.0.5/8', /entry must be/],
    ['block-ip', 'bad.example', /holds ip entries/],
    ['block-domain', '203.0.113.99', /holds domain entries/],
    ['Bad List', '203.0.113.99', /list must be/],
  ])('refuses to put %j ← %j and serves nothing new', async (list, entry, why) => {
    const before = await lines('block-ip');
    const id = `inc-edl-bad-${Buffer.from(list + entry)
      .toString('hex')
      .slice(0, 24)}`;
    const { runId, end } = await run('edl-one', id, { rule: rule('r-one'), labels: { list, entry } });
    expect(end.event.outcome).toBe('failure');
    const failed = find(h.audit, 'playbook.step.failed', { run: runId });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toMatchObject({ code: 'ACTION_REJECTED', message: expect.stringMatching(why) });
    expect(await lines('block-ip')).toEqual(before);
    expect(await lines('block-domain')).toEqual(['evil.example']);
  });
});
