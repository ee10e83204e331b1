import type { VendorFields } from './types.js';

/**
 * sudo's syslog line (plugins/sudoers/logging.c): `user : [reason ; ]TTY=… ; PWD=… ; USER=… ;
 * [GROUP=… ; ENV=… ; ]COMMAND=…`. A reason before TTY (`3 incorrect password attempts`,
 * `user NOT in sudoers`, `command not allowed`) means the command was refused. COMMAND is last and
 * may itself contain ` ; `, so it runs to the end of the line.
 */
export function sudo(message: string): VendorFields | undefined {
  const m = /^\s*(\S+) : (.*)$/.exec(message);
  if (!m) return undefined;
  const invoker = m[1] as string;
  const rest = m[2] as string;
  const cmdAt = rest.search(/(?:^| ; )COMMAND=/);
  if (cmdAt < 0) return undefined;
  const head = rest.slice(0, cmdAt);
  const command = rest.slice(rest.indexOf('COMMAND=', cmdAt) + 'COMMAND='.length);

  const kv: Record<string, string> = {};
  const reasons: string[] = [];
  for (const seg of head.split(' ; ')) {
    const eq = seg.indexOf('=');
    if (eq > 0 && /^[A-Z_]+$/.test(seg.slice(0, eq))) kv[seg.slice(0, eq)] = seg.slice(eq + 1);
    else if (seg.trim() !== '') reasons.push(seg.trim());
  }
  if (kv.TTY === undefined && kv.PWD === undefined && kv.USER === undefined) return undefined;

  const target = kv.USER ?? 'root';
  const fields: VendorFields = {
    event: {
      category: ['process'],
      type: ['start'],
      action: 'sudo',
      outcome: reasons.length > 0 ? 'failure' : 'success',
    },
    user: { name: invoker, effective: { name: target } },
    process: { command_line: command },
    related: { user: invoker === target ? [invoker] : [invoker, target] },
  };
  if (reasons.length > 0) fields.event = { ...fields.event, reason: reasons.join('; ') };
  if (kv.PWD !== undefined) fields.process = { ...fields.process, working_directory: kv.PWD };
  return fields;
}
