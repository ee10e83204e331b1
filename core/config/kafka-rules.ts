/**
 * Checks over the `kafka` connection settings that one field's schema cannot express: SASL
 * credentials that fit the mechanism, TLS files only with TLS on. They run at load time (a
 * located config problem, see `rules.ts`) and again where the Kafka clients are made
 * (`core/bus/kafka-client.ts`), for configs built in code.
 */
import type { FieldProblem } from './dsl.js';
import type { KafkaConfig } from './types.js';

export function kafkaConnectionProblems(kafka: Pick<KafkaConfig, 'tls' | 'sasl'>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { tls, sasl } = kafka;
  const tlsOn = tls?.enabled === true;
  // Files for a TLS that is off are most likely a forgotten `enabled: true`: say so rather than
  // talk to Kafka in clear text.
  if (!tlsOn && tls && (['caFile', 'certFile', 'keyFile', 'keyPassword', 'servername'] as const).some((f) => tls[f] !== undefined)) {
    problems.push({ code: 'CONFIG_CONFLICT', field: 'tls.enabled', message: 'TLS options are set but TLS is off: set tls.enabled: true' });
  }
  if ((tls?.certFile === undefined) !== (tls?.keyFile === undefined)) {
    problems.push({
      code: 'CONFIG_REQUIRED',
      field: tls?.certFile === undefined ? 'tls.certFile' : 'tls.keyFile',
      message: 'tls.certFile and tls.keyFile go together',
    });
  }
  if (tls?.keyPassword !== undefined && tls.keyFile === undefined) {
    problems.push({ code: 'CONFIG_CONFLICT', field: 'tls.keyPassword', message: 'tls.keyPassword needs tls.keyFile' });
  }
  if (tls?.caFile !== undefined && tls.rejectUnauthorized === false) {
    problems.push({
      code: 'CONFIG_CONFLICT',
      field: 'tls.rejectUnauthorized',
      message: 'tls.rejectUnauthorized: false turns off the certificate check that tls.caFile configures',
    });
  }
  if (!sasl) return problems;
  const oauth = sasl.oauth;
  const oauthSet = (['tokenEndpoint', 'clientId', 'clientSecret', 'scope'] as const).filter((f) => oauth?.[f] !== undefined);
  const passwordSet = (['username', 'password'] as const).filter((f) => sasl[f] !== undefined);
  if (sasl.mechanism === undefined) {
    for (const f of [...passwordSet, ...oauthSet.map((o) => `oauth.${o}`)]) {
      problems.push({
        code: 'CONFIG_CONFLICT',
        field: `sasl.${f}`,
        message: `sasl.${f} is set but sasl.mechanism is not: set the mechanism the brokers use`,
      });
    }
    return problems;
  }
  if (sasl.mechanism === 'oauthbearer') {
    for (const f of ['tokenEndpoint', 'clientId', 'clientSecret'] as const) {
      if (oauth?.[f] === undefined)
        problems.push({ code: 'CONFIG_REQUIRED', field: `sasl.oauth.${f}`, message: `sasl.mechanism oauthbearer needs sasl.oauth.${f}` });
    }
    for (const f of passwordSet) {
      problems.push({
        code: 'CONFIG_CONFLICT',
        field: `sasl.${f}`,
        message: `sasl.${f} is not used by oauthbearer (the token comes from sasl.oauth)`,
      });
    }
  } else {
    for (const f of ['username', 'password'] as const) {
      if (sasl[f] === undefined)
        problems.push({ code: 'CONFIG_REQUIRED', field: `sasl.${f}`, message: `sasl.mechanism ${sasl.mechanism} needs sasl.${f}` });
    }
    for (const f of oauthSet) {
      problems.push({
        code: 'CONFIG_CONFLICT',
        field: `sasl.oauth.${f}`,
        message: `sasl.oauth is only used by oauthbearer, not ${sasl.mechanism}`,
      });
    }
  }
  // PLAIN sends the password itself, and a bearer token is as good as a password to whoever reads
  // it: in clear text, anyone on the path can replay them. SCRAM never sends the password.
  if (!tlsOn && (sasl.mechanism === 'plain' || sasl.mechanism === 'oauthbearer')) {
    problems.push({
      code: 'CONFIG_CONFLICT',
      field: 'tls.enabled',
      message: `sasl.mechanism ${sasl.mechanism} sends its secret as is: it needs tls.enabled: true (a SASL_SSL listener)`,
    });
  }
  return problems;
}
