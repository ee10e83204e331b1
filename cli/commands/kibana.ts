/**
 * `vigil kibana setup --url URL (--api-key K | --user U --password P) [--space S] [--config FILE | --index-prefix P]
 *                     [--vigil-url URL --vigil-token T --playbook ID…]`
 * `vigil kibana export [--config FILE | --index-prefix P]`
 *
 * Setup imports Vigil's data views, saved search and dashboards into a Kibana space and creates
 * or updates one webhook connector per playbook; export prints the same objects as NDJSON (what
 * kibana/saved-objects/vigil.ndjson holds for the default prefix). Secrets may come from the
 * environment instead of the command line: VIGIL_KIBANA_API_KEY, VIGIL_KIBANA_PASSWORD,
 * VIGIL_API_TOKEN. With `--config`, the index prefix is `elasticsearch.indexPrefix` and the Vigil
 * URL defaults to `api.publicUrl`.
 */
import { VigilError } from '../../core/errors/index.js';
import type { KibanaTarget } from '../../kibana/client.js';
import { toNdjson, vigilSavedObjects } from '../../kibana/objects/index.js';
import { setupKibana } from '../../kibana/setup.js';
import { parseArgs } from '../args.js';
import { loadConfig } from '../config/schema.js';

export const USAGE = [
  'usage: vigil kibana setup --url URL (--api-key KEY | --user USER --password PASSWORD) [--space SPACE]',
  '                          [--config FILE | --index-prefix PREFIX] [--vigil-url URL --vigil-token TOKEN --playbook ID…]',
  '       vigil kibana export [--config FILE | --index-prefix PREFIX]',
].join('\n');

export interface KibanaIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: KibanaIo = { out: (line) => console.log(line), env: process.env };

function usage(message: string): VigilError {
  return new VigilError('CLI_USAGE', `${message}\n${USAGE}`);
}

function target(flags: Partial<Record<string, string>>, env: NodeJS.ProcessEnv): KibanaTarget {
  const url = flags.url;
  if (!url) throw usage('--url is required');
  if (!/^https?:\/\/[^/]/.test(url)) throw usage(`--url "${url}" is not an http(s) URL`);
  const apiKey = flags['api-key'] ?? env.VIGIL_KIBANA_API_KEY;
  const password = flags.password ?? env.VIGIL_KIBANA_PASSWORD;
  if (apiKey && flags.user) throw usage('give either --api-key or --user/--password, not both');
  const auth: KibanaTarget['auth'] | undefined = apiKey
    ? { apiKey }
    : flags.user && password !== undefined
      ? { user: flags.user, password }
      : undefined;
  if (!auth) throw usage(flags.user ? '--password is required with --user' : 'give --api-key, or --user and --password');
  return { url, auth, ...(flags.space ? { space: flags.space } : {}) };
}

/** What `--config` contributes: the index prefix and the URL people reach Vigil at. */
function fromConfig(file: string | undefined): { indexPrefix?: string; publicUrl?: string } {
  if (file === undefined) return {};
  const config = loadConfig(file);
  return { indexPrefix: config.elasticsearch.indexPrefix, ...(config.api?.publicUrl ? { publicUrl: config.api.publicUrl } : {}) };
}

function prefixOf(flags: Partial<Record<string, string>>, configured: string | undefined): string {
  const prefix = flags['index-prefix'] ?? configured ?? 'vigil';
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(prefix)) throw usage(`--index-prefix "${prefix}" is not an index name prefix`);
  return prefix;
}

export async function run(argv: string[], io: KibanaIo = defaultIo): Promise<number> {
  const [verb, ...rest] = argv;
  const { flags, lists, positional } = parseArgs(rest, {
    flags: ['url', 'api-key', 'user', 'password', 'space', 'config', 'index-prefix', 'vigil-url', 'vigil-token'] as const,
    lists: ['playbook'] as const,
  });
  if (positional.length > 0) throw usage(`unexpected argument "${positional[0]}"`);
  if (verb !== 'export' && verb !== 'setup') throw usage(verb ? `unknown action "${verb}"` : 'no action');
  if (flags.config !== undefined && flags['index-prefix'] !== undefined) throw usage('give either --config or --index-prefix, not both');
  const configured = fromConfig(flags.config);
  const indexPrefix = prefixOf(flags, configured.indexPrefix);
  if (verb === 'export') {
    io.out(toNdjson(vigilSavedObjects({ indexPrefix })).trimEnd());
    return 0;
  }
  const kibana = target(flags, io.env);
  const vigilToken = flags['vigil-token'] ?? io.env.VIGIL_API_TOKEN;
  const vigilUrl = flags['vigil-url'] ?? (lists.playbook.length > 0 ? configured.publicUrl : undefined);
  const wantsConnectors = vigilUrl !== undefined || lists.playbook.length > 0;
  if (wantsConnectors && (!vigilUrl || !vigilToken || lists.playbook.length === 0)) {
    throw usage(
      'connectors need --vigil-url (or api.publicUrl in --config), --vigil-token (or VIGIL_API_TOKEN) and at least one --playbook',
    );
  }
  await setupKibana(
    {
      target: kibana,
      indexPrefix,
      ...(wantsConnectors ? { connectors: { vigilUrl: vigilUrl!, token: vigilToken!, playbooks: lists.playbook } } : {}),
    },
    io.out,
  );
  if (!wantsConnectors) io.out('no connectors: give --vigil-url, --vigil-token and --playbook to create them');
  return 0;
}
