import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { VigilError } from '../../core/errors/index.js';
import type { Logger } from '../../core/telemetry/index.js';
import { exec } from './exec.js';
import { cacheDir, ELASTICSEARCH_VERSION, elasticsearchHome, KAFKA_VERSION, kafkaHome, repoRoot } from './paths.js';

/** The full path of `command` on PATH, or undefined. */
export function which(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Debian packages that provide the commands we need. */
const APT_PACKAGE: Record<string, string> = {
  'redis-server': 'redis-server',
  kcat: 'kcat',
  java: 'openjdk-17-jre-headless',
  mvn: 'maven',
  unzip: 'unzip',
};

const isRoot = () => process.getuid?.() === 0;

/**
 * Installs, with apt, the packages whose commands are missing from PATH. One `apt-get update`
 * and one `apt-get install` for all of them. `RUNLEVEL=1` keeps Debian's maintainer scripts
 * from starting a system redis-server on 6379 (when no policy-rc.d forbids it already).
 */
export async function ensureCommands(commands: string[], log: Logger): Promise<void> {
  const missing = commands.filter((c) => !which(c));
  for (const c of commands.filter((x) => !missing.includes(x))) log.info({ step: 'install' }, `${c}: present`);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((c) => APT_PACKAGE[c] ?? c))];
  if (!isRoot() || !which('apt-get')) {
    throw new VigilError(
      'SERVICE_INSTALL',
      `missing ${missing.join(', ')}; install the Debian packages ${packages.join(' ')} (needs root and apt-get)`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
  log.info({ step: 'install' }, `apt-get update (missing: ${missing.join(', ')})`);
  const update = await exec('apt-get', ['update'], { env });
  if (update.code !== 0) throw new VigilError('SERVICE_INSTALL', `apt-get update failed:\n${update.output.slice(-2000)}`);
  log.info({ step: 'install' }, `apt-get install -y ${packages.join(' ')}`);
  const install = await exec('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
  if (install.code !== 0) {
    throw new VigilError('SERVICE_INSTALL', `apt-get install ${packages.join(' ')} failed:\n${install.output.slice(-2000)}`);
  }
  const still = missing.filter((c) => !which(c));
  if (still.length > 0) throw new VigilError('SERVICE_INSTALL', `still missing after apt-get install: ${still.join(', ')}`);
}

/** The Java home of the `java` on PATH (`readlink -f $(which java)`, minus `bin/java`); must be 17 or newer. */
export function javaHome(): string {
  const java = which('java');
  if (!java) throw new VigilError('SERVICE_INSTALL', 'java is not on PATH (Kafka and Elasticsearch need Java 17+)');
  const home = dirname(dirname(realpathSync(java)));
  const release = (() => {
    try {
      return readFileSync(join(home, 'release'), 'utf8');
    } catch {
      return '';
    }
  })();
  const major = Number(/JAVA_VERSION="(\d+)/.exec(release)?.[1] ?? 'NaN');
  if (Number.isFinite(major) && major < 17) {
    throw new VigilError('SERVICE_INSTALL', `Java at ${home} is ${major}; Elasticsearch ${ELASTICSEARCH_VERSION} needs 17 or newer`);
  }
  return home;
}

async function mvn(args: string[], what: string): Promise<void> {
  const res = await exec('mvn', ['-B', '-q', ...args]);
  if (res.code !== 0) throw new VigilError('SERVICE_INSTALL', `${what} failed (mvn exit ${res.code}):\n${res.output.slice(-3000)}`);
}

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/**
 * Kafka's broker jars plus an SLF4J binding, copied by Maven from ~/.m2 (downloaded from
 * Maven Central the first time) into `<cache>/kafka-<v>/libs`. Copied to a temporary folder
 * and renamed, so an interrupted copy is redone rather than trusted.
 */
export async function ensureKafka(stateDir: string, log: Logger): Promise<string> {
  const libs = join(kafkaHome(stateDir), 'libs');
  if (existsSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
    log.info({ step: 'install' }, `kafka ${KAFKA_VERSION}: present in ${libs}`);
    return libs;
  }
  const tmp = `${libs}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(dirname(libs), { recursive: true });
  const pom = join(repoRoot(), 'scripts', 'services', 'kafka-pom.xml');
  log.info({ step: 'install' }, `kafka ${KAFKA_VERSION}: mvn copy-dependencies -f ${pom} into ${libs}`);
  await mvn(
    [
      '-f',
      pom,
      `-Dkafka.version=${KAFKA_VERSION}`,
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
    ],
    `copying Kafka ${KAFKA_VERSION} jars`,
  );
  rmSync(libs, { recursive: true, force: true });
  renameSync(tmp, libs);
  return libs;
}

/**
 * Elasticsearch's minimal runnable build (`integ-test-zip`) from Maven Central, unpacked into
 * `<cache>/elasticsearch-<v>`. `dependency:copy` resolves it into ~/.m2 (downloading it once)
 * and copies the zip to our cache, so we need not know where the local repository is.
 */
export async function ensureElasticsearch(stateDir: string, log: Logger): Promise<string> {
  const home = elasticsearchHome(stateDir);
  if (existsSync(join(home, 'bin', 'elasticsearch'))) {
    log.info({ step: 'install' }, `elasticsearch ${ELASTICSEARCH_VERSION}: present in ${home}`);
    return home;
  }
  const cache = cacheDir(stateDir);
  const tmp = join(cache, `.es-unpack-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const artifact = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;
  log.info({ step: 'install' }, `elasticsearch ${ELASTICSEARCH_VERSION}: mvn dependency:copy ${artifact}`);
  await mvn([`${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${artifact}`, `-DoutputDirectory=${tmp}`], `fetching ${artifact}`);
  const zip = join(tmp, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
  log.info({ step: 'install' }, `elasticsearch ${ELASTICSEARCH_VERSION}: unpacking into ${home}`);
  await unpack(zip, tmp);
  rmSync(zip, { force: true });
  const unpacked = join(tmp, `elasticsearch-${ELASTICSEARCH_VERSION}`);
  if (!existsSync(join(unpacked, 'bin', 'elasticsearch'))) {
    throw new VigilError('SERVICE_INSTALL', `${zip} did not hold elasticsearch-${ELASTICSEARCH_VERSION}/bin/elasticsearch`);
  }
  // the service user must read everything and execute bin/ and dirs, whatever our umask was
  const chmod = await exec('chmod', ['-R', 'a+rX', unpacked]);
  if (chmod.code !== 0) throw new VigilError('SERVICE_INSTALL', `chmod -R a+rX ${unpacked} failed: ${chmod.output}`);
  rmSync(home, { recursive: true, force: true });
  renameSync(unpacked, home);
  rmSync(tmp, { recursive: true, force: true });
  return home;
}

async function unpack(zip: string, into: string): Promise<void> {
  const res = await exec('unzip', ['-q', '-o', zip, '-d', into]);
  if (res.code !== 0) throw new VigilError('SERVICE_INSTALL', `unzip ${zip} failed:\n${res.output.slice(-2000)}`);
}

/** The system user Elasticsearch runs as: it refuses to run as root. */
export const ES_USER = 'vigil-es';

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

/** Creates the `vigil-es` system user when missing; undefined when we are not root (ES then runs as us). */
export async function ensureServiceUser(log: Logger): Promise<ServiceUser | undefined> {
  if (!isRoot()) return undefined;
  let uid = await exec('id', ['-u', ES_USER]);
  if (uid.code !== 0) {
    log.info({ step: 'install' }, `useradd --system ${ES_USER} (Elasticsearch refuses to run as root)`);
    const add = await exec('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      ES_USER,
    ]);
    // exit 9: created meanwhile by a concurrent `vigil up`
    if (add.code !== 0 && add.code !== 9) throw new VigilError('SERVICE_INSTALL', `useradd ${ES_USER} failed:\n${add.output}`);
    uid = await exec('id', ['-u', ES_USER]);
  } else {
    log.info({ step: 'install' }, `user ${ES_USER}: present`);
  }
  const gid = await exec('id', ['-g', ES_USER]);
  return { name: ES_USER, uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}
