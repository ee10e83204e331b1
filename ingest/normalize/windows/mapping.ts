import type { Json } from '../cloud/common.js';

/** What the ECS mapping of one event id says. */
export interface Mapping {
  action: string;
  category?: string[];
  type?: string[];
  /** The outcome when the event's audit keywords do not say (Sysmon, or a record without keywords). */
  outcome?: 'success' | 'failure' | 'unknown';
  fields(d: Record<string, string>): Json;
  /** Users named by the event besides `user.*` (`related.user`). */
  relatedUsers?(d: Record<string, string>): Array<string | undefined>;
  /** Addresses named by the event besides `source`/`destination` (`related.ip`). */
  relatedIps?(d: Record<string, string>): Array<string | undefined>;
}

/** `C:\Windows\System32\cmd.exe` → `cmd.exe`. */
export function baseName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  return path.split(/[\\/]/).pop() || undefined;
}

/** `-`, empty and the null SID stand for "none" in Security events. */
export function val(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  return s === '' || s === '-' || s === 'S-1-0-0' ? undefined : v;
}
