import { access, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError, errorMessage } from '../../core/errors/index.js';
import { isSidecar, loadPlaybooks } from '../load.js';
import { runTest, type Failure } from './run.js';
import { readSidecar } from './sidecar.js';

export { runTest, type Failure, type TestOutcome } from './run.js';
export { readSidecar, type PlaybookTest, type Sidecar } from './sidecar.js';

export interface TestResult {
  playbook: string;
  /** The test file. */
  file: string;
  name: string;
  failures: Failure[];
}

export interface TestReport {
  results: TestResult[];
  /** Playbooks that do not load, test files that cannot be read, playbooks without one. */
  problems: VigilError[];
}

/** The test file of a playbook file: `x.yml` → `x.tests.yml`. */
export const sidecarOf = (file: string): string => file.replace(/\.ya?ml$/, '.tests.yml');

/**
 * Runs the test file of every playbook under `paths` (files or folders; naming a test file names
 * its playbook). A playbook without a test file is a problem, as is one that does not load.
 */
export async function testPlaybooks(paths: readonly string[]): Promise<TestReport> {
  const problems: VigilError[] = [];
  const results: TestResult[] = [];
  for (const file of await playbookFiles(paths, problems)) {
    const loaded = await loadPlaybooks([file]);
    problems.push(...loaded.problems);
    const pb = loaded.playbooks[0];
    if (!pb) continue;
    const testFile = sidecarOf(file);
    let text: string;
    try {
      text = await readFile(testFile, 'utf8');
    } catch {
      problems.push(new VigilError('PLAYBOOK_TEST_FAILED', `playbook ${pb.id} has no test file (${testFile})`, { location: { file } }));
      continue;
    }
    const sidecar = readSidecar(text, testFile);
    problems.push(...sidecar.problems);
    for (const test of sidecar.tests) {
      let failures: Failure[];
      try {
        failures = (await runTest(pb, test)).failures;
      } catch (err) {
        failures = [{ line: test.line, message: errorMessage(err) }];
      }
      results.push({ playbook: pb.id, file: testFile, name: test.name, failures });
    }
  }
  return { results, problems };
}

async function playbookFiles(paths: readonly string[], problems: VigilError[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    try {
      if ((await stat(p)).isDirectory()) {
        const names = (await readdir(p, { recursive: true })).filter((n) => /\.ya?ml$/.test(n) && !isSidecar(n)).sort();
        for (const n of names) out.add(join(p, n));
      } else if (isSidecar(p)) {
        const base = p.replace(/\.tests\.ya?ml$/, '');
        const found = await firstExisting([`${base}.yml`, `${base}.yaml`]);
        if (found) out.add(found);
        else
          problems.push(new VigilError('CONFIG_READ', `test file ${p} has no playbook beside it (${base}.yml)`, { location: { file: p } }));
      } else out.add(p);
    } catch (err) {
      problems.push(new VigilError('CONFIG_READ', `cannot read ${p}: ${errorMessage(err)}`, { location: { file: p }, cause: err }));
    }
  }
  return [...out];
}

async function firstExisting(files: string[]): Promise<string | undefined> {
  for (const f of files) {
    try {
      await access(f);
      return f;
    } catch {
      // try the next
    }
  }
  return undefined;
}
