/**
 * Checks over the `elasticsearch` and `redis` connection settings that one field's schema cannot
 * express (options that contradict each other, or one that only applies with another). They run
 * at load time (a located config problem, see `rules.ts`) and again where the clients are made,
 * for configs built in code.
 */
import type { FieldProblem } from './dsl.js';
import type { ElasticsearchConfig, RedisConfig } from './types.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function elasticsearchConnectionProblems(
  es: Pick<ElasticsearchConfig, 'node' | 'apiKey' | 'username' | 'password' | 'tls'>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const tls = es.tls;
  const pinned = tls?.caFile !== undefined || tls?.caFingerprint !== undefined;
  if (tls?.caFile !== undefined && tls.caFingerprint !== undefined) {
    problems.push({ code: 'CONFIG_CONFLICT', field: 'tls.caFingerprint', message: 'set tls.caFile or tls.caFingerprint, not both' });
  }
  if (pinned && tls?.rejectUnauthorized === false) {
    problems.push({
      code: 'CONFIG_CONFLICT',
      field: 'tls.rejectUnauthorized',
      message: 'tls.rejectUnauthorized: false turns off the certificate check that tls.caFile or tls.caFingerprint configure',
    });
  }
  if (pinned && !es.node.startsWith('https:')) {
    problems.push({
      code: 'CONFIG_CONFLICT',
      field: 'tls',
      message: `tls.caFile and tls.caFingerprint need an https:// node, not ${es.node}`,
    });
  }
  if (tls?.caFingerprint !== undefined && !SHA256_HEX.test(tls.caFingerprint.replace(/:/g, '').toLowerCase())) {
    problems.push({
      code: 'CONFIG_FORMAT',
      field: 'tls.caFingerprint',
      message: 'tls.caFingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)',
    });
  }
  return problems;
}

export function redisConnectionProblems(redis: Pick<RedisConfig, 'url' | 'tls'>): FieldProblem[] {
  const tls = redis.tls;
  const problems: FieldProblem[] = [];
  const on = tls?.enabled === true || redis.url.startsWith('rediss:');
  // Files for a TLS that is off are most likely a forgotten `enabled: true`: say so rather than
  // talk to Redis in clear text.
  if (!on && (tls?.caFile !== undefined || tls?.certFile !== undefined || tls?.keyFile !== undefined || tls?.servername !== undefined)) {
    problems.push({
      code: 'CONFIG_CONFLICT',
      field: 'tls.enabled',
      message: 'TLS files are set but TLS is off: set tls.enabled: true or use a rediss:// URL',
    });
  }
  if ((tls?.certFile === undefined) !== (tls?.keyFile === undefined)) {
    problems.push({
      code: 'CONFIG_REQUIRED',
      field: tls?.certFile === undefined ? 'tls.certFile' : 'tls.keyFile',
      message: 'tls.certFile and tls.keyFile go together',
    });
  }
  return problems;
}
