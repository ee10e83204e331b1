import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './child.js';
import { waitFor } from './wait.js';

/**
 * A real Keycloak (the Quarkus distribution from Maven Central, installed by
 * scripts/ensure-keycloak.sh) on free loopback ports, for one test file: in-memory H2
 * (`--db=dev-mem`, built once by the script), so every start is a clean server and two test
 * files never share a database. The bootstrap admin exists only for the harness's own setup calls.
 */
export interface KeycloakServer {
  url: string;
  /** Milliseconds from spawn to /health/ready. */
  startMs: number;
  stop(): Promise<void>;
}

/** What setUpRealm made: a service-account client for the actions and a user who can log in. */
export interface KeycloakRealm {
  realm: string;
  clientId: string;
  clientSecret: string;
  /** A public client with direct access grants, for the user's own password logins. */
  loginClient: string;
  username: string;
  password: string;
  userId: string;
}

const VERSION = process.env.VIGIL_KEYCLOAK_VERSION ?? '26.5.6';
const DIR = process.env.VIGIL_KEYCLOAK_DIR ?? join(homedir(), '.cache', 'vigil', 'keycloak');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADMIN = { username: 'vigil-harness-admin', password: 'vigil-harness-admin-pw' };
// Starting on two shared cores under load took 47 s in the recipe's measurements; allow more.
const READY_TIMEOUT_MS = 240_000;

/** Installs Keycloak when missing (idempotent) and starts it; undefined when it cannot run here. */
export async function startKeycloak(): Promise<KeycloakServer | undefined> {
  const home = join(DIR, `keycloak-${VERSION}`);
  const kc = join(home, 'bin', 'kc.sh');
  const built = join(home, '.vigil-built');
  if (!existsSync(built)) spawnSync('bash', [join(ROOT, 'scripts/ensure-keycloak.sh')], { stdio: 'inherit' });
  if (!existsSync(built)) return undefined;
  const [port, management] = [await freePort(), await freePort()];
  const started = Date.now();
  // Production mode on the pre-built tree (`--optimized`): no build step at start, and the same
  // build-time options (db, health) the install script built with.
  const child: ChildProcess = spawn(
    kc,
    [
      'start',
      '--optimized',
      '--http-enabled=true',
      '--hostname-strict=false',
      '--cache=local',
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      `--http-management-port=${management}`,
      '--log-level=warn',
    ],
    {
      env: {
        ...process.env,
        KC_BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        // C1 only: a server that lives for one test file gains nothing from C2, whose compiler
        // threads compete for the cores during start (measured: 45–50 s → 20–21 s at load 11).
        JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: kc.sh runs java as a child, and stop() ends both.
      detached: true,
    },
  );
  let log = '';
  const keep = (c: Buffer) => (log = (log + c.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    const forced = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(-child.pid, 'SIGKILL'), 20_000);
    await exited;
    clearTimeout(forced);
  };
  try {
    await waitFor(
      'Keycloak /health/ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`Keycloak exited with ${child.exitCode}`);
        return (await fetch(`http://127.0.0.1:${management}/health/ready`).catch(() => undefined))?.ok;
      },
      READY_TIMEOUT_MS,
      250,
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { url: `http://127.0.0.1:${port}`, startMs: Date.now() - started, stop };
}

async function adminToken(kc: KeycloakServer): Promise<string> {
  const res = await fetch(`${kc.url}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...ADMIN }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`admin token: HTTP ${res.status}`);
  return body.access_token;
}

/** One Admin REST API call as the bootstrap admin; throws on an unexpected status. */
async function admin(kc: KeycloakServer, method: string, path: string, body?: unknown, expect = [200, 201, 204]): Promise<Response> {
  const res = await fetch(`${kc.url}/admin/realms${path}`, {
    method,
    headers: { authorization: `Bearer ${await adminToken(kc)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/**
 * A realm with: a confidential client whose service account holds realm-management's
 * manage-users and view-users (what production gives Vigil), a public client for password logins,
 * and one user with a password.
 */
export async function setUpRealm(kc: KeycloakServer, realm: string): Promise<KeycloakRealm> {
  const r: Omit<KeycloakRealm, 'userId'> = {
    realm,
    clientId: 'vigil-responder',
    clientSecret: `kc-secret-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`,
    loginClient: 'portal',
    username: 'alice.compromised',
    password: 'correct horse battery staple',
  };
  await admin(kc, 'POST', '', { realm, enabled: true });
  await admin(kc, 'POST', `/${realm}/clients`, {
    clientId: r.clientId,
    enabled: true,
    publicClient: false,
    secret: r.clientSecret,
    serviceAccountsEnabled: true,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: false,
  });
  await admin(kc, 'POST', `/${realm}/clients`, {
    clientId: r.loginClient,
    enabled: true,
    publicClient: true,
    directAccessGrantsEnabled: true,
  });
  const clients = async (clientId: string) =>
    ((await (await admin(kc, 'GET', `/${realm}/clients?clientId=${clientId}`)).json()) as Array<{ id: string }>)[0]?.id ?? '';
  const serviceUser = (await (await admin(kc, 'GET', `/${realm}/clients/${await clients(r.clientId)}/service-account-user`)).json()) as {
    id: string;
  };
  const rm = await clients('realm-management');
  const roles = ((await (await admin(kc, 'GET', `/${realm}/clients/${rm}/roles`)).json()) as Array<{ name: string }>).filter((x) =>
    ['manage-users', 'view-users'].includes(x.name),
  );
  await admin(kc, 'POST', `/${realm}/users/${serviceUser.id}/role-mappings/clients/${rm}`, roles);
  const created = await admin(kc, 'POST', `/${realm}/users`, {
    username: r.username,
    enabled: true,
    email: 'alice@example.test',
    emailVerified: true,
    firstName: 'Alice',
    lastName: 'Compromised',
    credentials: [{ type: 'password', value: r.password, temporary: false }],
  });
  const userId = String(created.headers.get('location')).split('/').at(-1) ?? '';
  return { ...r, userId };
}

/** The user's own login (resource owner password grant): its status and OAuth error, if any. */
export async function passwordLogin(kc: KeycloakServer, r: KeycloakRealm): Promise<{ status: number; error?: string; refresh?: string }> {
  const res = await fetch(`${kc.url}/realms/${r.realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: r.loginClient, username: r.username, password: r.password }),
  });
  const body = (await res.json()) as { error_description?: string; refresh_token?: string };
  return {
    status: res.status,
    ...(body.error_description ? { error: body.error_description } : {}),
    ...(body.refresh_token ? { refresh: body.refresh_token } : {}),
  };
}

/** The user's active sessions, as the admin sees them. */
export async function sessionCount(kc: KeycloakServer, r: KeycloakRealm): Promise<number> {
  return ((await (await admin(kc, 'GET', `/${r.realm}/users/${r.userId}/sessions`)).json()) as unknown[]).length;
}

/** The user as the admin sees it. */
export async function userOf(kc: KeycloakServer, r: KeycloakRealm): Promise<{ enabled: boolean; email?: string }> {
  return (await (await admin(kc, 'GET', `/${r.realm}/users/${r.userId}`)).json()) as { enabled: boolean; email?: string };
}
