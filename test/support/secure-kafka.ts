/**
 * A second, separate Kafka broker for security tests: the version `vigil up` installs (same
 * install function, so a fresh machine fetches it), KRaft single node on free loopback ports,
 * with a SASL_SSL listener (PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER), the standard authorizer and
 * no access without an ACL. Certificates are made here with openssl.
 *
 * OAUTHBEARER on this broker uses Kafka's default unsecured validator
 * (OAuthBearerUnsecuredValidatorCallbackHandler): it accepts unsigned JWS tokens (`alg: none`)
 * and takes the principal from `sub`. That is enough to test Vigil's side (fetching a token by
 * the client_credentials grant and presenting it); production brokers validate signed tokens
 * against the provider's JWKS (`sasl.oauthbearer.jwks.endpoint.url`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../../cli/services/exec.js';
import { ensureKafka, javaHome } from '../../cli/services/install.js';
import { newClusterId } from '../../cli/services/kafka.js';
import { resolveStateDir, repoRoot } from '../../cli/services/paths.js';
import { logger } from '../../core/telemetry/index.js';
import { freePort } from './child.js';
import { waitFor } from './wait.js';

export interface SecureKafkaUsers {
  /** SCRAM-SHA-512 users: name → password. */
  scram512: Record<string, string>;
  /** SCRAM-SHA-256 users: name → password. */
  scram256: Record<string, string>;
  /** PLAIN users: name → password. */
  plain: Record<string, string>;
}

export interface SecureKafka {
  /** `127.0.0.1:<port>` of the SASL_SSL listener. */
  broker: string;
  dir: string;
  /** PEM files: the CA, and a client certificate whose key is encrypted with `clientKeyPassword`. */
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  clientKeyPassword: string;
  /** The super user (PLAIN and SCRAM-SHA-512). */
  admin: { username: string; password: string };
  logFile: string;
  stop(): Promise<void>;
}

/** Runs openssl; throws with its output when it fails. */
async function openssl(args: string[], cwd: string): Promise<void> {
  const res = await exec('openssl', args, { cwd });
  if (res.code !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${res.output}`);
}

/** A CA, a broker certificate for 127.0.0.1/localhost (also its client certificate towards the controller) and a client certificate. */
async function makeCertificates(dir: string, clientKeyPassword: string): Promise<void> {
  const days = ['-days', '2'];
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-noenc',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      ...days,
      '-subj',
      '/CN=vigil-test-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  const sign = async (name: string, subject: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    await openssl(['req', '-newkey', 'rsa:2048', '-noenc', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        ...days,
        '-extfile',
        `${name}.ext`,
      ],
      dir,
    );
  };
  await sign(
    'broker',
    '/CN=localhost',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  await sign(
    'client',
    '/CN=vigil-client',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  await openssl(
    ['pkcs8', '-topk8', '-in', 'client.key', '-out', 'client-enc.key', '-v2', 'aes-256-cbc', '-passout', `pass:${clientKeyPassword}`],
    dir,
  );
  // Kafka's PEM keystore: the PKCS#8 key and the certificate chain in one file.
  writeFileSync(
    join(dir, 'broker-keystore.pem'),
    readFileSync(join(dir, 'broker.key'), 'utf8') +
      readFileSync(join(dir, 'broker.pem'), 'utf8') +
      readFileSync(join(dir, 'ca.pem'), 'utf8'),
  );
}

/** JAAS values are quoted strings; the test passwords never contain quotes or backslashes. */
const jaasUsers = (users: Record<string, string>) =>
  Object.entries(users)
    .map(([u, p]) => `user_${u}="${p}"`)
    .join(' ');

function properties(o: {
  dir: string;
  port: number;
  controllerPort: number;
  admin: { username: string; password: string };
  plain: Record<string, string>;
}): string {
  const { dir, port, controllerPort, admin } = o;
  const props: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', 1],
    ['controller.quorum.voters', `1@127.0.0.1:${controllerPort}`],
    ['listeners', `SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`],
    ['advertised.listeners', `SASL_SSL://127.0.0.1:${port}`],
    // The controller listener is TLS with client certificates: the broker authenticates to it
    // with its own certificate (principal User:CN=localhost, a super user).
    ['listener.security.protocol.map', 'SASL_SSL:SASL_SSL,CONTROLLER:SSL'],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'SASL_SSL'],
    ['sasl.mechanism.inter.broker.protocol', 'PLAIN'],
    ['sasl.enabled.mechanisms', 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER'],
    [
      'listener.name.sasl_ssl.plain.sasl.jaas.config',
      `org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin.username}" password="${admin.password}" ${jaasUsers({ [admin.username]: admin.password, ...o.plain })};`,
    ],
    ['listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
    ['listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config', 'org.apache.kafka.common.security.scram.ScramLoginModule required;'],
    [
      'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config',
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="unused";',
    ],
    ['listener.name.sasl_ssl.ssl.client.auth', 'required'],
    ['listener.name.controller.ssl.client.auth', 'required'],
    ['ssl.keystore.type', 'PEM'],
    ['ssl.keystore.location', join(dir, 'broker-keystore.pem')],
    ['ssl.truststore.type', 'PEM'],
    ['ssl.truststore.location', join(dir, 'ca.pem')],
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['super.users', `User:${admin.username};User:CN=localhost`],
    ['allow.everyone.if.no.acl.found', 'false'],
    ['log.dirs', join(dir, 'data')],
    ['num.partitions', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['auto.create.topics.enable', 'false'],
  ];
  return `${props.map(([k, v]) => `${k}=${String(v).replace(/\\/g, '\\\\')}`).join('\n')}\n`;
}

/**
 * Starts the secure broker and waits until it serves. SCRAM users are written into the metadata
 * log at format time (`kafka-storage format --add-scram`); PLAIN users live in the JAAS config.
 */
export async function startSecureKafka(users: SecureKafkaUsers): Promise<SecureKafka> {
  const log = logger('secure-kafka-test');
  const libs = await ensureKafka(resolveStateDir(undefined, process.env, repoRoot()), log);
  const java = join(javaHome(), 'bin', 'java');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-secure-kafka-'));
  const admin = { username: 'admin', password: 'admin-secret' };
  const clientKeyPassword = 'client-key-secret';
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await makeCertificates(dir, clientKeyPassword);
    const [port, controllerPort] = [await freePort(), await freePort()];
    const propsFile = join(dir, 'server.properties');
    writeFileSync(propsFile, properties({ dir, port, controllerPort, admin, plain: users.plain }));
    const scram = [
      ...Object.entries({ [admin.username]: admin.password, ...users.scram512 }).map(([u, p]) => `SCRAM-SHA-512=[name=${u},password=${p}]`),
      ...Object.entries(users.scram256).map(([u, p]) => `SCRAM-SHA-256=[name=${u},password=${p}]`),
    ].flatMap((s) => ['--add-scram', s]);
    const format = await exec(java, [
      '-cp',
      `${libs}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      newClusterId(),
      '-c',
      propsFile,
      ...scram,
    ]);
    if (format.code !== 0) throw new Error(`kafka-storage format failed:\n${format.output}`);

    const logFile = join(dir, 'kafka.log');
    const out = createWriteStream(logFile);
    child = spawn(
      java,
      ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', '-cp', `${libs}/*`, 'kafka.Kafka', propsFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, KAFKA_HEAP_OPTS: '-Xmx512m' },
      },
    );
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const started = child;
    await waitFor(
      `the secure Kafka broker to start (log: ${logFile})`,
      async () => {
        if (started.exitCode !== null)
          throw new Error(`broker exited with ${started.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
        return readFileSync(logFile, 'utf8').includes('Kafka Server started');
      },
      120_000,
      500,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    });
    return {
      broker: `127.0.0.1:${port}`,
      dir,
      caFile: join(dir, 'ca.pem'),
      clientCertFile: join(dir, 'client.pem'),
      clientKeyFile: join(dir, 'client-enc.key'),
      clientKeyPassword,
      admin,
      logFile,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
