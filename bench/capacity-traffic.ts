/**
 * Traffic for bench/capacity: a realistic syslog mix (shapes from rules/samples/linux-attack.log
 * and test/fixtures/parse/mixed.log), sent octet-counted over TCP at a target rate.
 *
 * Mostly benign lines (sshd logins, cron, systemd, nginx, firewall CEF), failed SSH logins from
 * a large rotating address pool (they feed the correlations' repartition and state) with a few
 * persistent attackers among them (brute force alerts), and rare sudo root shells (alerts,
 * incidents, playbook runs). Every line carries a counter, so no two events share an id.
 */
import { connect, type Socket } from 'node:net';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The RFC 3164 timestamp (`Nov 20 09:14:03`) of `d`, in UTC as the input's timezone is. */
function bsdTime(d: Date): string {
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const ATTACKERS = Array.from({ length: 10 }, (_, k) => `203.0.113.${k + 10}`);
const USERS = ['admin', 'oracle', 'test', 'ubuntu', 'git', 'postgres'];

/** One template per kind of line; `i` is the line's number, `t` its BSD time, `iso` its RFC 3339 time. */
type Template = (i: number, t: string, iso: string) => string;

const host = (i: number): string => `web-${pad(i % 97)}`;
const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const rotating = (i: number): string => ip(i % 1_000_003);

const TEMPLATES: Array<[weight: number, Template]> = [
  [
    12,
    (i, t) =>
      `<38>${t} ${host(i)} sshd[${2000 + (i % 30000)}]: Accepted publickey for ops from ${ip(i % 4096)} port ${40000 + (i % 20000)} ssh2: ED25519 SHA256:Qm1vY2tLZXlGaW5nZXJwcmludEZvclRlc3RzMDE`,
  ],
  [
    4,
    (i, t) =>
      `<38>${t} ${host(i)} sshd[${2000 + (i % 30000)}]: Failed password for invalid user ${USERS[i % USERS.length]} from ${i % 50 === 0 ? ATTACKERS[i % ATTACKERS.length] : rotating(i)} port ${50000 + (i % 10000)} ssh2`,
  ],
  [
    1,
    (i, t) =>
      `<38>${t} ${host(i)} sshd[${2000 + (i % 30000)}]: Invalid user ${USERS[i % USERS.length]} from ${rotating(i)} port ${50000 + (i % 10000)}`,
  ],
  [10, (i, t) => `<78>${t} ${host(i)} CRON[${3000 + (i % 30000)}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`],
  [10, (i, t) => `<30>${t} ${host(i)} systemd[1]: Started Session ${i} of user ops.`],
  [
    15,
    (i, _t, iso) =>
      `<134>1 ${iso} ${host(i)} nginx ${900 + (i % 100)} ACCESS [origin ip="10.0.0.5"] ${ip(i % 65536)} - - "GET /app/${i} HTTP/1.1" 200 ${512 + (i % 4000)} "-" "Mozilla/5.0"`,
  ],
  [
    25,
    (i, t) =>
      `<134>${t} fw-${i % 4} CEF:0|Acme|FW|1|${i % 3 === 0 ? 'deny' : 'allow'}|${i % 3 === 0 ? 'Denied' : 'Allowed'}|${i % 3 === 0 ? 7 : 3}|src=${ip(i % 65536)} dst=10.0.0.${i % 250} spt=${1024 + (i % 60000)} dpt=${[22, 80, 443, 3389][i % 4]} proto=TCP act=${i % 3 === 0 ? 'deny' : 'allow'} cnt=${i}`,
  ],
  [
    8,
    (i, t) =>
      `<85>${t} ${host(i)} sudo:   ops : TTY=pts/0 ; PWD=/home/ops ; USER=root ; COMMAND=/usr/bin/systemctl status nginx.service #${i}`,
  ],
  [0.2, (i, t) => `<85>${t} ${host(i)} sudo:   u${i % 500} : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/bash -i #${i}`],
];

// A table of 1,000 slots in proportion to the weights: line i uses slot i mod 1000.
const SLOTS: Template[] = (() => {
  const total = TEMPLATES.reduce((s, [w]) => s + w, 0);
  const out: Template[] = [];
  for (const [w, t] of TEMPLATES) for (let k = 0; k < Math.round((w / total) * 1000); k++) out.push(t);
  // Spread the kinds over the table so that any window of lines has the mix.
  return out
    .map((t, k) => [t, (k * 7919) % out.length] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([t]) => t);
})();

export interface Sender {
  /** Lines written into the sockets so far. */
  readonly written: number;
  /** Lines that were due but not written because every socket was backed up (the input pushed back). */
  readonly behind: number;
  /** Sets the target rate (lines/s) from now on; 0 pauses. */
  setRate(rate: number): void;
  close(): Promise<void>;
}

/** Keeps `connections` TCP connections to `port` and writes the mix into them at the set rate. */
export async function startSender(port: number, connections: number): Promise<Sender> {
  const sockets = await Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect({ host: '127.0.0.1', port });
          s.setNoDelay(true);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        }),
    ),
  );
  for (const s of sockets) s.on('error', () => undefined);
  let rate = 0;
  let written = 0;
  let behind = 0;
  let seq = 0;
  let epoch = performance.now();
  let base = 0;
  const tickMs = 10;
  // A socket holding more than this unsent counts as backed up: the sender waits, as rsyslog would.
  const maxBuffered = 4 * 2 ** 20;

  const tick = (): void => {
    if (rate <= 0) return;
    const due = base + Math.floor(((performance.now() - epoch) / 1000) * rate);
    let n = due - written - behind;
    if (n <= 0) return;
    const free = sockets.filter((s) => s.writableLength < maxBuffered && !s.destroyed);
    if (free.length === 0) {
      behind += n;
      return;
    }
    const now = new Date();
    const t = bsdTime(now);
    const iso = now.toISOString();
    const per = Math.ceil(n / free.length);
    for (const s of free) {
      const k = Math.min(per, n);
      if (k <= 0) break;
      const parts: string[] = [];
      for (let j = 0; j < k; j++) {
        const line = (SLOTS[seq % SLOTS.length] as Template)(seq, t, iso);
        seq++;
        parts.push(`${Buffer.byteLength(line)} ${line}`);
      }
      s.write(parts.join(''));
      written += k;
      n -= k;
    }
  };
  const timer = setInterval(tick, tickMs);

  return {
    get written() {
      return written;
    },
    get behind() {
      return behind;
    },
    setRate(r: number) {
      tick();
      base = written + behind;
      epoch = performance.now();
      rate = r;
    },
    async close() {
      clearInterval(timer);
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.end(resolve))));
    },
  };
}
