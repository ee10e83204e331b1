/**
 * A message body in a syslog header (RFC 5424 or RFC 3164) and the header in a transport frame
 * (RFC 6587 octet counting or LF for TCP/TLS, one datagram for UDP).
 */

export type SyslogFormat = 'rfc5424' | 'rfc3164';
export type Framing = 'octet-counting' | 'lf';

export interface HeaderOptions {
  format: SyslogFormat;
  /** Facility code, 0–23. */
  facility: number;
  /** Severity code, 0–7, of events that carry none in `log.syslog.severity.code`. */
  severity: number;
  /** APP-NAME (RFC 5424) or TAG (RFC 3164). */
  appName: string;
  /** HOSTNAME of events without `host.hostname` or `host.name`. */
  hostname: string;
}

const PRINTABLE = /^[\x21-\x7e]+$/;
const ISO_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A header field: PRINTUSASCII only (RFC 5424 §6), cut to its maximum length; `-` (the NILVALUE)
 * when nothing is left. Spaces would shift every later field.
 */
export function headerField(v: string, max: number): string {
  if (v.length <= max && PRINTABLE.test(v)) return v;
  let out = '';
  for (let i = 0; i < v.length && out.length < max; i++) {
    const c = v.charCodeAt(i);
    out += c >= 33 && c <= 126 ? v[i] : '_';
  }
  return out === '' ? '-' : out;
}

function eventSeverity(event: Readonly<Record<string, unknown>>, fallback: number): number {
  const code = (event.log as { syslog?: { severity?: { code?: unknown } } } | undefined)?.syslog?.severity?.code;
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 7 ? code : fallback;
}

function eventHost(event: Readonly<Record<string, unknown>>, fallback: string): string {
  const host = event.host as { hostname?: unknown; name?: unknown } | undefined;
  const h = host?.hostname ?? host?.name;
  return typeof h === 'string' && h !== '' ? h : fallback;
}

function eventTime(event: Readonly<Record<string, unknown>>): Date {
  const ts = event['@timestamp'];

  const ms = typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : NaN;
  return new Date(Number.isFinite(ms) ? ms : Date.now());
}

/**
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - - - MSG` (RFC 5424 §6; no BOM: QRadar and ArcSight
 * connectors show it as text) or `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG: MSG` (RFC 3164 §4.1, UTC).
 */
export function syslogLine(event: Readonly<Record<string, unknown>>, body: string, opts: HeaderOptions): string {
  const pri = opts.facility * 8 + eventSeverity(event, opts.severity);
  if (opts.format === 'rfc5424') {
    const host = headerField(eventHost(event, opts.hostname), 255);
    const app = headerField(opts.appName, 48);
    // Events carry @timestamp as RFC 3339 UTC with milliseconds already (what toISOString writes).
    const ts = event['@timestamp'];
    const stamp = typeof ts === 'string' && ISO_UTC_MS.test(ts) ? ts : eventTime(event).toISOString();
    return `<${pri}>1 ${stamp} ${host} ${app} - - - ${body}`;
  }
  const time = eventTime(event);
  const day = time.getUTCDate();
  const stamp = `${MONTHS[time.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())}`;
  // RFC 3164 §4.1.3: the TAG is at most 32 alphanumeric characters.
  const tag = opts.appName.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 32) || 'vigil';
  return `<${pri}>${stamp} ${headerField(eventHost(event, opts.hostname), 255)} ${tag}: ${body}`;
}

/**
 * The bytes of one message on a stream: `LEN SP MSG` (RFC 6587 §3.4.1), or the message and LF
 * (§3.4.2), where a line break inside the message would split it, so it becomes a space.
 */
export function frame(line: string, framing: Framing | 'none'): Buffer {
  if (framing === 'octet-counting') {
    return Buffer.from(`${Buffer.byteLength(line, 'utf8')} ${line}`, 'utf8');
  }
  if (framing === 'lf') return Buffer.from(`${/[\r\n]/.test(line) ? line.replace(/\r\n?|\n/g, ' ') : line}\n`, 'utf8');
  return Buffer.from(line, 'utf8');
}
