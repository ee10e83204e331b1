/**
 * How a `vigil` command ends. Writes to a piped stdout are asynchronous in Node: whatever the
 * reader has not taken yet waits in the stream's buffer, and `process.exit()` throws it away.
 * So the process ends only once both streams have handed their last byte to the kernel.
 */

type Out = NodeJS.WriteStream;

/** Resolves once everything written to `stream` so far has been flushed (or the stream is gone). */
export function flushed(stream: Out): Promise<void> {
  if (stream.destroyed || stream.writableEnded || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    // Writes are flushed in order: an empty write's callback runs after every earlier one.
    stream.write('', () => resolve());
    stream.once('close', () => resolve());
  });
}

/**
 * A reader that stops early (`vigil hunt … | head -n 5`) closes the pipe, and the next write
 * fails with EPIPE. That is how a pipeline says "enough": end at once, successfully and without
 * a stack trace, as `grep` or `cat` would. A closed stderr is ignored: there is nothing left to
 * tell it, and stdout may still have a reader.
 */
export function endQuietlyWhenReaderCloses(exit: (code: number) => never = process.exit): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exit(0);
    process.stderr.write(`vigil: cannot write to stdout: ${err.code ?? err.message}\n`);
    exit(1);
  });
  process.stderr.on('error', () => {});
}

/**
 * Ends the process with `code` after stdout and stderr are flushed. The explicit exit still
 * matters: client libraries (kafkajs, ioredis, undici) can leave idle sockets and timers that
 * would otherwise keep a finished command alive.
 */
export async function exitAfterFlush(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/**
 * Resolves once stdout has room again. Long commands await it between batches, so that a slow
 * reader holds the work back instead of the output piling up in memory.
 */
export function stdoutRoom(): Promise<void> | undefined {
  const out = process.stdout;
  if (!out.writableNeedDrain || out.destroyed) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
  });
}
