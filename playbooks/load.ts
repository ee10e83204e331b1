import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Cron } from 'croner';
import { Document, LineCounter, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { parseYamlDocument } from '../core/yaml/index.js';
import { compileDetection } from '../detections/index.js';
import { VigilError, errorMessage, firstYamlErrors, type ErrorCode } from '../core/errors/index.js';
import { ACTIONS, isActionName, type ActionName } from './actions/registry.js';
import { allowRefOf, isAllowTemplate } from './allow-hosts.js';
import { readApproval, readWait } from './builtin.js';
import { checkGraph } from './graph.js';
import {
  readPlaybookSpec,
  type Matcher,
  type Playbook,
  type PlaybookSpec,
  type Report,
  type Step,
  type StepSpec,
  type YamlPath,
} from './schema.js';
import { compileTemplate, parseExpr, type Expr, type Template, type TemplatePath } from './template.js';

export interface LoadOptions {
  /**
   * Names of the configured secrets (`playbooks.secrets`). When given, a playbook that
   * declares a secret missing from them is invalid. Default: not checked.
   */
  secrets?: readonly string[];
}

export interface LoadResult {
  /** The playbooks that are valid, in path order. */
  playbooks: Playbook[];
  /** Every problem of every file, each with file:line; a bad file never stops the others. */
  problems: VigilError[];
}

/** Loads every `.yml`/`.yaml` under `paths` (files or folders, recursively, in name order). */
export async function loadPlaybooks(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const playbooks: Playbook[] = [];
  const problems: VigilError[] = [];
  const seen = new Map<string, Playbook>();
  for (const file of await listFiles(paths, problems)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push(new VigilError('CONFIG_READ', `cannot read playbook: ${errorMessage(err)}`, { location: { file }, cause: err }));
      continue;
    }
    const parsed = parsePlaybook(text, file, options);
    for (const item of parsed.problems) problems.push(item);
    const pb = parsed.playbook;
    if (!pb) continue;
    const first = seen.get(pb.id);
    if (first) {
      problems.push(
        new VigilError('PLAYBOOK_INVALID', `duplicate playbook id "${pb.id}" (first in ${first.file})`, {
          location: { file, line: parsed.idLine, path: 'id' },
        }),
      );
      continue;
    }
    seen.set(pb.id, pb);
    playbooks.push(pb);
  }
  return { playbooks, problems };
}

async function listFiles(paths: readonly string[], problems: VigilError[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    try {
      if ((await stat(p)).isDirectory()) {
        const names = (await readdir(p, { recursive: true })).filter((n) => /\.ya?ml$/.test(n) && !isSidecar(n)).sort();
        out.push(...names.map((n) => join(p, n)));
      } else out.push(p);
    } catch (err) {
      problems.push(
        new VigilError('CONFIG_READ', `cannot read playbook path: ${errorMessage(err)}`, { location: { file: p }, cause: err }),
      );
    }
  }
  return out;
}

/** A playbook's test file (`<name>.tests.yml`, read by `vigil playbooks test`), not a playbook. */
export function isSidecar(name: string): boolean {
  return /\.tests\.ya?ml$/.test(name);
}

/** Parses and validates one playbook file; `playbook` is set only when there is no problem. */
export function parsePlaybook(
  text: string,
  file: string,
  options: LoadOptions = {},
): { playbook?: Playbook; problems: VigilError[]; idLine?: number } {
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: firstYamlErrors(
        doc.errors,
        lineCounter,
        (message, line, column) => new VigilError('PLAYBOOK_INVALID', `not valid YAML: ${message}`, { location: { file, line, column } }),
      ),
    };
  }
  const problems: VigilError[] = [];
  const lineOf = locator(doc, lineCounter);
  const reporter =
    (code: ErrorCode): Report =>
    (path, message, location) =>
      problems.push(new VigilError(code, message, { location: location ?? { file, line: lineOf(path), path: formatPath(path) } }));
  const report = reporter('PLAYBOOK_INVALID');
  const source = { file, doc, lineCounter };

  let plain: unknown;
  try {
    plain = doc.toJS();
  } catch (err) {
    // An alias to an anchor that is not set (`*x` alone), or more aliases than the parser allows.
    return {
      problems: [new VigilError('PLAYBOOK_INVALID', `not valid YAML: ${errorMessage(err)}`, { location: { file, line: 1, column: 1 } })],
    };
  }
  const spec = readPlaybookSpec(plain, report);
  if (!spec) return { problems };
  const ancestors = checkGraph(spec.steps, report);

  if (options.secrets) {
    spec.secrets.forEach((name, i) => {
      if (!options.secrets?.includes(name)) report(['secrets', i], `secret "${name}" is not configured (playbooks.secrets in vigil.yaml)`);
    });
  }

  if (spec.schedule) checkSchedule(spec.schedule, report);
  const trigger = spec.schedule
    ? NEVER
    : spec.trigger === undefined
      ? undefined
      : compileCondition(spec.trigger, ['trigger'], source, report, (field) =>
          field.startsWith('incident.') ? undefined : 'a trigger field names the incident record: incident.<field>',
        );

  const refs = new Set(spec.steps.map((s) => s.ref));
  const ctx: StepContext = {
    spec,
    ancestors,
    refs,
    source,
    report,
    templateProblem: reporter('TEMPLATE_INVALID'),
    lineOf,
    scheduled: spec.schedule !== undefined,
  };
  const handlers = checkHandlers(spec, report);
  const steps = spec.steps.map((s) => compileStep(s, ctx)).filter((s): s is Step => s !== undefined);
  const outputs = compileOutputs(spec, ctx);

  const idLine = lineOf(['id']);
  if (problems.length > 0 || !trigger) return { problems, idLine };
  return { playbook: freezePlaybook(spec, file, trigger, steps, outputs, handlers), problems, idLine };
}

/** What a scheduled playbook's trigger is: no incident ever starts it. */
const NEVER: Matcher = () => false;

const NO_INCIDENT = 'a scheduled playbook runs with no incident ($.schedule.at is the tick)';

/** The cron pattern and time zone, as croner reads them (5 fields, or 6 with seconds). */
function checkSchedule(schedule: { cron: string; timezone?: string }, report: Report): void {
  if (schedule.cron === '') return; // reported by the shape check
  const fields = schedule.cron.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    report(['trigger', 'schedule'], `schedule "${schedule.cron}" has ${fields} fields: a cron pattern has 5 (or 6, seconds first)`);
    return;
  }
  try {
    new Cron(schedule.cron, { paused: true, ...(schedule.timezone ? { timezone: schedule.timezone } : {}) }).nextRun();
  } catch (err) {
    const inZone = schedule.timezone !== undefined && /timezone|time zone/i.test(errorMessage(err));
    report(
      ['trigger', inZone ? 'timezone' : 'schedule'],
      inZone ? `timezone "${schedule.timezone ?? ''}" is not an IANA time zone` : `schedule "${schedule.cron}": ${errorMessage(err)}`,
    );
  }
}

/**
 * Checks the `on_error` handlers: each names another step, that has no needs (it runs when the
 * step it handles fails, whatever else happened), that no other step needs and no other step
 * names (so that what it stands in for is never in doubt).
 */
function checkHandlers(spec: PlaybookSpec, report: Report): Set<string> {
  const byRef = new Map(spec.steps.map((s) => [s.ref, s]));
  const handlers = new Map<string, string>();
  for (const s of spec.steps) {
    if (typeof s.onError !== 'object') continue;
    const h = s.onError.handler;
    const at: YamlPath = ['steps', s.index, 'on_error'];
    const target = byRef.get(h);
    if (!target) report(at, `on_error names "${h}", which is not a step of this playbook`);
    else if (h === s.ref) report(at, 'a step cannot be its own on_error handler');
    else if (handlers.has(h)) report(at, `step "${h}" already handles the errors of "${handlers.get(h) ?? ''}"`);
    else {
      handlers.set(h, s.ref);
      if (target.needs.length > 0) report(['steps', target.index, 'needs'], `step "${h}" is an on_error handler: it has no needs`);
    }
  }
  for (const s of spec.steps) {
    s.needs.forEach((n, i) => {
      if (handlers.has(n))
        report(['steps', s.index, 'needs', i], `step "${n}" is an on_error handler and runs only on an error: no step needs it`);
    });
  }
  return new Set(handlers.keys());
}

/** Outputs may read any step (the run is over): only the ref is checked. */
function compileOutputs(spec: PlaybookSpec, ctx: StepContext): Array<readonly [string, Template]> {
  const out: Array<readonly [string, Template]> = [];
  for (const [name, raw] of Object.entries(spec.outputs)) {
    const compiled = compileTemplate(raw);
    for (const p of compiled.problems) ctx.templateProblem(['outputs', name, ...p.path], p.message);
    for (const { expr, path } of compiled.exprs) {
      const why = exprProblem(expr, ctx, {
        readable: (ref) => (ref !== undefined && ctx.refs.has(ref) ? undefined : `"${ref}" is not a step of this playbook`),
        item: false,
      });
      if (why) ctx.templateProblem(['outputs', name, ...path], `\${{ ${expr.source} }}: ${why}`);
    }
    out.push([name, compiled.template] as const);
  }
  return out;
}

/** Why an expression may not be used where it stands, or undefined. */
function exprProblem(
  expr: Expr,
  ctx: StepContext,
  where: { readable: (ref: string | undefined) => string | undefined; item: boolean },
): string | undefined {
  if (expr.kind === 'secret') {
    return ctx.spec.secrets.includes(expr.name) ? undefined : `secret "${expr.name}" is not declared in the playbook's secrets`;
  }
  const [root, name] = expr.segments;
  if (root === 'incident' && ctx.scheduled) return NO_INCIDENT;
  if (root === 'schedule' && !ctx.scheduled) return '$.schedule is only known in a scheduled playbook';
  if (root === 'steps') return where.readable(name);
  if (root === 'inputs' && (name === undefined || !Object.hasOwn(ctx.spec.inputs, name)))
    return `input "${name ?? ''}" is not declared in inputs`;
  if (root === 'item' && !where.item) return '$.item is only known in a for_each step';
  return undefined;
}

interface StepContext {
  spec: PlaybookSpec;
  ancestors: Map<string, Set<string>>;
  refs: Set<string>;
  source: { file: string; doc: Document; lineCounter: LineCounter };
  report: Report;
  templateProblem: Report;
  lineOf: (path: YamlPath) => number | undefined;
  /** A schedule starts its runs: there is no incident to read. */
  scheduled: boolean;
}

/** Checks one step against the action registry and the graph, and compiles its args and run_if. */
function compileStep(s: StepSpec, ctx: StepContext): Step | undefined {
  const { report, templateProblem } = ctx;
  const at = (...p: YamlPath): YamlPath => ['steps', s.index, ...p];
  const before = ctx.ancestors.get(s.ref) ?? new Set<string>();
  const stepRead = (ref: string | undefined): string | undefined => {
    if (ref === undefined || !ctx.refs.has(ref)) return `"${ref ?? ''}" is not a step of this playbook`;
    if (!before.has(ref)) return `step "${s.ref}" reads step "${ref}" but does not need it (directly or through its needs)`;
    return undefined;
  };

  const action = s.action === 'wait' || s.action === 'approval' ? s.action : checkAction(s, at, report);
  const where = { readable: stepRead, item: s.forEach !== undefined };
  const checkExprs = (exprs: Array<{ expr: Expr; path: TemplatePath }>, base: YamlPath) => {
    for (const { expr, path } of exprs) {
      const why = exprProblem(expr, ctx, where);
      if (why) templateProblem([...base, ...path], `\${{ ${expr.source} }}: ${why}`);
    }
  };

  const compiled = compileTemplate(s.args);
  for (const p of compiled.problems) templateProblem(at('args', ...p.path), p.message);
  checkExprs(compiled.exprs, at('args'));

  const wait = s.action === 'wait' ? readWait(s.wait, at('wait'), report) : undefined;
  if (wait?.until && ctx.scheduled) report(at('wait', 'until'), `wait.until reads the incident: ${NO_INCIDENT}`);
  const approval = s.action === 'approval' ? readApproval(s.approval, at('approval'), report) : undefined;
  if (approval) {
    for (const p of approval.problems) templateProblem(at('approval', 'prompt'), p.message);
    checkExprs(approval.exprs, at('approval', 'prompt'));
  }
  const longest = Math.max(wait?.forMs ?? 0, wait?.until ? wait.timeoutMs : 0, approval?.spec.timeoutMs ?? 0);
  if (longest > ctx.spec.timeoutMs) {
    report(at(), `step "${s.ref}" may wait ${longest} ms, longer than the run's timeout (${ctx.spec.timeoutMs} ms)`);
  }

  let forEach: string | undefined;
  if (s.forEach !== undefined) {
    const expr = typeof s.forEach === 'string' ? parseExpr(s.forEach) : 'for_each is a JSONPath to a list';
    const why =
      typeof expr === 'string'
        ? expr
        : expr.kind !== 'path' || expr.segments[0] === 'item'
          ? 'for_each is a JSONPath into $.incident, $.steps.<ref> or $.inputs'
          : exprProblem(expr, ctx, { readable: stepRead, item: false });
    if (why || typeof expr === 'string' || expr.kind !== 'path') report(at('for_each'), `for_each: ${why ?? 'not a JSONPath'}`);
    else forEach = expr.source;
  }

  const runIf =
    s.runIf === undefined
      ? undefined
      : compileCondition(s.runIf, at('run_if'), ctx.source, report, (field) => {
          if (field.startsWith('incident.')) return ctx.scheduled ? NO_INCIDENT : undefined;
          const [root, ref] = field.split('.');
          if (root === 'inputs')
            return ref !== undefined && Object.hasOwn(ctx.spec.inputs, ref) ? undefined : `input "${ref ?? ''}" is not declared`;
          if (root !== 'steps') return 'a run_if field names incident.<field>, inputs.<name> or steps.<ref>.<field>';
          return stepRead(ref);
        });

  s.allowHosts.forEach((entry, i) => {
    if (!isAllowTemplate(entry)) return;
    const ref = allowRefOf(entry, ctx.spec);
    if (typeof ref === 'string') report(at('allow_hosts', i), `allow_hosts entry "${entry}" ${ref}`);
  });

  if (!action) return undefined;
  return Object.freeze({
    ref: s.ref,
    action,
    args: compiled.template,
    ...(wait ? { wait: Object.freeze(wait) } : {}),
    ...(approval ? { approval: Object.freeze(approval.spec) } : {}),
    ...(forEach !== undefined ? { forEach } : {}),
    concurrency: s.concurrency,
    onError: s.onError,
    needs: Object.freeze([...s.needs]),
    runIf,
    retry: Object.freeze(s.retry),
    timeoutMs: s.timeoutMs,
    allowHosts: Object.freeze([...s.allowHosts]),
    line: ctx.lineOf(at()),
  });
}

/** The step's action if the registry has it, with its argument names checked. */
function checkAction(s: StepSpec, at: (...p: YamlPath) => YamlPath, report: Report): ActionName | undefined {
  if (s.action === '') return undefined; // reported by the shape check
  if (!isActionName(s.action)) {
    report(at('action'), `unknown action "${s.action}" (known: ${Object.keys(ACTIONS).join(', ')})`);
    return undefined;
  }
  const { required, optional } = ACTIONS[s.action].args;
  for (const k of Object.keys(s.args)) {
    if (!required.includes(k) && !optional.includes(k)) {
      report(at('args', k), `${s.action} has no argument "${k}" (known: ${[...required, ...optional].join(', ')})`);
    }
  }
  for (const k of required) if (!(k in s.args)) report(at('args'), `${s.action} needs argument "${k}"`);
  return s.action;
}

function freezePlaybook(
  spec: PlaybookSpec,
  file: string,
  trigger: Matcher,
  steps: Step[],
  outputs: Array<readonly [string, Template]>,
  handlers: Set<string>,
): Playbook {
  return Object.freeze({
    id: spec.id,
    description: spec.description,
    file,
    secrets: Object.freeze([...spec.secrets]),
    trigger,
    ...(spec.schedule ? { schedule: Object.freeze({ ...spec.schedule }) } : {}),
    ...(spec.concurrency !== undefined ? { concurrency: spec.concurrency } : {}),
    rerun: spec.rerun,
    inputs: Object.freeze({ ...spec.inputs }),
    outputs: Object.freeze(outputs),
    timeoutMs: spec.timeoutMs,
    steps: Object.freeze(steps),
    byRef: new Map(steps.map((s) => [s.ref, s])),
    handlers,
  });
}

/**
 * Compiles a Sigma detection block with the shared matcher (from its YAML node, so that its
 * problems carry their own lines) and checks its field names with `fieldProblem` (the compiler
 * cannot know what a playbook's record looks like).
 */
function compileCondition(
  block: unknown,
  path: YamlPath,
  source: { file: string; doc: Document; lineCounter: LineCounter },
  report: Report,
  fieldProblem: (field: string) => string | undefined,
): Matcher | undefined {
  for (const { field, at } of detectionFields(block)) {
    const why = fieldProblem(field);
    if (why) report([...path, ...at], `${path.at(-1) as string} field "${field}": ${why}`);
  }
  const node = source.doc.getIn(path, true);
  try {
    return compileDetection(node ?? block, {
      file: source.file,
      path: formatPath(path),
      document: source.doc,
      lineCounter: source.lineCounter,
    });
  } catch (err) {
    const located = err instanceof Error && err.cause instanceof AggregateError ? (err.cause.errors as unknown[]) : [err];
    for (const e of located) {
      if (e instanceof VigilError) report(path, e.message, e.location);
      else report(path, `not a valid detection: ${errorMessage(e)}`);
    }
    return undefined;
  }
}

/** The field names of a detection block's selections (`field|modifier: value` keys). */
function detectionFields(block: unknown): Array<{ field: string; at: YamlPath }> {
  const out: Array<{ field: string; at: YamlPath }> = [];
  if (block === null || typeof block !== 'object' || Array.isArray(block)) return out;
  const fromMap = (m: unknown, at: YamlPath) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return;
    for (const key of Object.keys(m)) out.push({ field: key.split('|')[0] ?? key, at: [...at, key] });
  };
  for (const [name, sel] of Object.entries(block)) {
    if (name === 'condition') continue;
    if (Array.isArray(sel)) sel.forEach((m, i) => fromMap(m, [name, i]));
    else fromMap(sel, [name]);
  }
  return out;
}

/** `['steps', 1, 'args', 'url']` → `steps[1].args.url`. */
function formatPath(path: YamlPath): string | undefined {
  if (path.length === 0) return undefined;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Line of the node at `path` (of its key, for a map entry, so that a block value points at the
 * line that names it); the nearest existing parent's line when the path goes further than the
 * document (a missing field).
 */
export function locator(doc: Document, lc: LineCounter): (path: YamlPath) => number | undefined {
  const lineAt = (n: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
    n?.range ? lc.linePos(n.range[0]).line : undefined;
  return (path) => {
    let node: unknown = doc.contents;
    let line = lineAt(node as Node | null);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        line = lineAt(pair.key as Node) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
        node = node.items[seg];
        line = lineAt(node as Node) ?? line;
      } else {
        return line;
      }
    }
    return line;
  };
}
