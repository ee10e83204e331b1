import { stdoutRoom } from './exit.js';

/** Where a command that reads a lot writes: results, problems, a progress bar, and its clock (tests pass their own). */
export interface ToolIo {
  /** One or more whole lines, without the last newline (a command may write a batch of lines at once). */
  out: (text: string) => void;
  err: (line: string) => void;
  /** Progress goes here when set (a terminal). */
  progress?: (text: string) => void;
  /** A promise while the output has no room (a slow reader): long loops await it rather than buffer. */
  room?: () => Promise<void> | undefined;
  now: () => Date;
}

export const terminalIo: ToolIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  progress: process.stderr.isTTY ? (t) => process.stderr.write(t) : undefined,
  room: stdoutRoom,
  now: () => new Date(),
};

/** `[#####.....]  42%  <detail>`, drawn over itself with a carriage return. */
export function progressBar(done: number, total: number, detail: string): string {
  const width = 30;
  const frac = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(frac * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${detail}\x1b[K`;
}
