import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../core/errors/index.js';
import { failure, loopbackContext } from '../../../test/support/actions.js';
import { StandIn } from '../../../test/support/standin.js';
import { toAction } from './action.js';
import { parseLibraryFile } from './spec.js';

/** A library file whose call needs an id that a step may give only by name. */
const FILE = `name: idp.disable
description: test
inputs:
  base_url: { type: url, required: true }
  user_id: { type: string }
  username: { type: string }
lookup:
  into: user_id
  from: username
  request:
    method: GET
    url: '\${{ inputs.base_url }}/users'
    query: { username: '\${{ inputs.username }}', exact: 'true' }
  select: $.body[0].id
request:
  method: PUT
  url: '\${{ inputs.base_url }}/users/\${{ inputs.user_id }}'
  body: { enabled: false }
idempotency: { idempotent: true }
response:
  success: { status: [204] }
  error_code: $.error
result:
  user_id: $.inputs.user_id
`;

describe('library lookup: an id found by another input before the call', () => {
  const users = [{ id: 'u-1', username: 'alice' }];
  let putThrottles = 0;
  const idp = new StandIn([
    ['GET', '/users', (req) => ({ status: 200, body: users.filter((u) => u.username === req.query.get('username')) })],
    [
      'PUT',
      '/users/:id',
      (_req, p) => {
        if (putThrottles > 0) {
          putThrottles -= 1;
          return { status: 429, headers: { 'retry-after': '0' }, body: { error: 'rate limited' } };
        }
        return users.some((u) => u.id === p.id) ? { status: 204 } : { status: 404, body: { error: 'User not found' } };
      },
    ],
  ]);
  beforeAll(() => idp.start());
  afterAll(() => idp.stop());
  const action = toAction(parseLibraryFile(FILE, '/lib/idp.disable.yml'));

  it('finds the id by name, then calls with it; a given id skips the lookup', async () => {
    expect(await action.run({ base_url: idp.base, username: 'alice' }, loopbackContext())).toEqual({ user_id: 'u-1' });
    expect(idp.seen.slice(-2).map((s) => `${s.method} ${s.path}?${s.query.toString()}`)).toEqual([
      'GET /users?username=alice&exact=true',
      'PUT /users/u-1?',
    ]);
    const before = idp.seen.length;
    await action.run({ base_url: idp.base, user_id: 'u-1' }, loopbackContext());
    expect(idp.seen.length - before).toBe(1);
  });

  it('rejects a name that finds nothing, and a step that gives neither input, without calling', async () => {
    const before = idp.seen.length;
    expect((await failure(action.run({ base_url: idp.base, username: 'mallory' }, loopbackContext()))).message).toBe(
      'idp.disable: no user_id found for username "mallory"',
    );
    expect(idp.seen.slice(before).map((s) => s.method)).toEqual(['GET']);
    expect((await failure(action.run({ base_url: idp.base }, loopbackContext()))).message).toBe(
      'idp.disable: user_id or username is required',
    );
    expect(idp.seen.length - before).toBe(1);
  });

  it('does not look up again when the call after it waits out a 429', async () => {
    const before = idp.seen.length;
    putThrottles = 1;
    expect(await action.run({ base_url: idp.base, username: 'alice' }, loopbackContext())).toEqual({ user_id: 'u-1' });
    expect(idp.seen.slice(before).map((s) => s.method)).toEqual(['GET', 'PUT', 'PUT']);
  });

  it.each([
    [FILE.replace('  into: user_id', '  into: user'), /lookup.into: user is not a declared input/],
    [
      FILE.replace('  username: { type: string }', '  username: { type: string, required: true }'),
      /lookup.from: username may not be required/,
    ],
    [FILE.replace('    method: GET', '    method: DELETE'), /a lookup is a GET/],
    [
      FILE.replace("    url: '${{ inputs.base_url }}/users'", "    url: 'https://idp.example/users'"),
      /lookup.request.url starts with a url input/,
    ],
    [FILE.replace('  select: $.body[0].id', '  select: $.body[?(@.x)]'), /lookup.select: .*script expressions are not allowed/],
  ])('refuses a broken lookup with what and where (%#)', (text, why) => {
    let err: unknown;
    try {
      parseLibraryFile(text, '/lib/idp.disable.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('ACTION_LIBRARY_INVALID');
    expect((err as VigilError).message).toMatch(why);
    expect((err as VigilError).message).toMatch(/\(line \d+\)/);
  });
});
