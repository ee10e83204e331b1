import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `lines` lines of a log file (reads at most the last 64 KiB); '' when it is missing. */
export function tailFile(file: string, lines = 20): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return lastLines(buf.toString('utf8'), lines);
  } finally {
    closeSync(fd);
  }
}

export function lastLines(text: string, lines: number): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

/** `message`, then the log tail under a header, for errors a user will read in a terminal. */
export function withLogTail(message: string, logFile: string, lines = 20): string {
  const tail = tailFile(logFile, lines);
  return tail ? `${message}\n--- last ${lines} lines of ${logFile} ---\n${tail}` : `${message} (log ${logFile} is empty)`;
}
