import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { VigilError } from '../../core/errors/index.js';
import { isValidTimeZone } from '../../ingest/parsers/index.js';
import { detectParseType, PARSE_TYPES, type ParseType, type ParseTypeContext } from '../../ingest/parsers/registry.js';
import { OUTPUT_SCHEMAS, toSchema, type OutputSchema } from '../../ingest/normalize/index.js';
import { parseArgs } from '../args.js';
import { stdoutRoom } from '../exit.js';

/** Where input comes from and output goes; tests pass their own. */
export interface ParseIo {
  stdin: Readable;
  out: (line: string) => void;
  err: (line: string) => void;
  /** A promise while the output has no room (a slow reader): reading waits for it rather than buffer. */
  room?: () => Promise<void> | undefined;
  now: () => Date;
}

const defaultIo: ParseIo = {
  stdin: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  room: stdoutRoom,
  now: () => new Date(),
};

export const USAGE = `usage: vigil parse [--type auto|${Object.keys(PARSE_TYPES).join('|')}] [--schema ${Object.keys(OUTPUT_SCHEMAS).join('|')}] [--timezone ZONE] [--no-original] [file…]`;

/**
 * `vigil parse`: reads raw records from files (`-` or none: stdin; `.gz` is decompressed) and
 * prints one event per line (ECS, or OCSF with `--schema ocsf`), with no services running. A
 * record that cannot be read prints `file:line: reason [CODE]` on stderr; the exit code is then 1.
 */
export async function run(argv: string[], io: ParseIo = defaultIo): Promise<number> {
  const { flags, switches, positional } = parseArgs(argv, {
    flags: ['type', 'schema', 'timezone'] as const,
    switches: ['no-original', 'help'] as const,
  });
  if (switches.help) {
    io.out(USAGE);
    return 0;
  }
  const type = flags.type ?? 'auto';
  if (type !== 'auto' && !Object.hasOwn(PARSE_TYPES, type)) throw new VigilError('CLI_USAGE', `unknown --type ${type}\n${USAGE}`);
  const schema = (flags.schema ?? 'ecs') as OutputSchema;
  if (!Object.hasOwn(OUTPUT_SCHEMAS, schema)) throw new VigilError('CLI_USAGE', `unknown --schema ${schema}\n${USAGE}`);
  const timezone = flags.timezone ?? 'UTC';
  if (!isValidTimeZone(timezone)) throw new VigilError('CLI_USAGE', `--timezone ${timezone} is not an IANA time zone`);

  const sources = positional.length === 0 ? ['-'] : positional;
  let failed = 0;
  for (const source of sources) {
    const name = source === '-' ? 'stdin' : source;
    const input = source === '-' ? io.stdin : open(source);
    const handle = (raw: string, line: number): void => {
      const chosen = type === 'auto' ? detectParseType(raw) : type;
      const t = PARSE_TYPES[chosen] as ParseType;
      const ctx: ParseTypeContext = {
        inputId: 'parse',
        origin: `${name}:${line}`,
        timezone,
        now: io.now(),
        keepOriginal: switches['no-original'] !== true,
      };
      let result: ReturnType<ParseType['toEcs']>;
      try {
        result = t.toEcs(raw, ctx);
      } catch (err) {
        result = { ok: false, error: new VigilError('NORMALIZE_FAILED', err instanceof Error ? err.message : String(err)) };
      }
      if (!result.ok) {
        failed++;
        const col = result.error.location?.column;
        io.err(`${name}:${line}${col ? `:${col}` : ''}: ${result.error.message} [${result.error.code}]`);
        return;
      }
      for (const event of result.events) {
        // Normalizers that keep failed records as events mark them as pipeline errors.
        if (event.event?.kind === 'pipeline_error') {
          failed++;
          const reason = (event.error as { message?: string } | undefined)?.message ?? event.event.reason ?? 'unreadable record';
          io.err(`${name}:${line}: ${reason} [${String((event.error as { code?: string } | undefined)?.code ?? 'NORMALIZE_FAILED')}]`);
          continue;
        }
        io.out(JSON.stringify(toSchema(schema, event)));
      }
    };
    try {
      await readRecords(input, type, handle, io.room);
    } catch (err) {
      failed++;
      io.err(`${name}: ${err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err)} [CONFIG_READ]`);
    }
  }
  return failed > 0 ? 1 : 0;
}

function open(path: string): Readable {
  const s = createReadStream(path);
  return path.endsWith('.gz') ? s.pipe(createGunzip()) : s;
}

/**
 * Feeds `handle` one record at a time: a line for line-framed types, the whole input for
 * document-framed ones. With `auto`, an input whose first line is the start of a JSON document
 * but not a whole JSON value (a pretty-printed CloudTrail file), or one a type says starts its
 * documents (a VPC flow log header line), is read as one document.
 */
async function readRecords(
  input: Readable,
  type: string,
  handle: (raw: string, line: number) => void,
  room: () => Promise<void> | undefined = () => undefined,
): Promise<void> {
  const framing = type === 'auto' ? undefined : (PARSE_TYPES[type] as ParseType).framing;
  if (framing === 'document') {
    handle(await readAll(input), 1);
    return;
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let doc: string[] | undefined;
  for await (const line of lines) {
    n++;
    if (doc) {
      doc.push(line);
      continue;
    }
    if (n === 1 && framing === undefined && ((/^\s*[[{]/.test(line) && !isJson(line)) || startsDocument(line))) {
      doc = [line];
      continue;
    }
    if (line.trim() === '') continue;
    handle(line.endsWith('\r') ? line.slice(0, -1) : line, n);
    const full = room();
    if (full) await full;
  }
  if (doc) handle(doc.join('\n'), 1);
}

function startsDocument(firstLine: string): boolean {
  return Object.values(PARSE_TYPES).some((t) => t.startsDocument?.(firstLine) === true);
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
