import { describe, expect, it } from 'vitest';
import { encodeFrame } from './protocol.js';
import { RelpSession, type SessionStep } from './session.js';

const OFFERS = 'relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog';
const open = (txnr = 1, offers = OFFERS) => encodeFrame(txnr, 'open', offers);
const syslog = (txnr: number, msg: string) => encodeFrame(txnr, 'syslog', msg);
const session = (maxMessageBytes = 1024) => new RelpSession({ peer: '10.0.0.9', maxMessageBytes, sampleBytes: 8, software: 'vigil' });

/** A step as plain data: events' text, dead letters as `CODE: reason`, replies as text. */
function plain(step: SessionStep) {
  return {
    frames: step.frames.map((f) => (f.error ? `${f.error.code}: ${f.error.message} [${f.raw.toString()}]` : f.raw.toString())),
    replies: step.replies.map((r) => r.toString()),
    ...(step.close ? { close: step.close } : {}),
    ...(step.refused.length > 0 ? { refused: step.refused } : {}),
  };
}

describe('RelpSession', () => {
  it('answers open with its offers, and each syslog frame with 200 OK, in TXNR order', () => {
    const s = session();
    const step = s.receive(Buffer.concat([open(), syslog(2, '<13>one'), syslog(3, '<13>two\n')]));
    expect(plain(step)).toEqual({
      frames: ['<13>one', '<13>two'],
      replies: ['1 rsp 57 200 OK\nrelp_version=0\nrelp_software=vigil\ncommands=syslog\n', '2 rsp 6 200 OK\n', '3 rsp 6 200 OK\n'],
    });
    expect(step.frames.every((f) => f.peer === '10.0.0.9')).toBe(true);
  });

  it('carries a window of several unacknowledged frames across chunks, frames split anywhere', () => {
    const s = session();
    const bytes = Buffer.concat([open(), ...Array.from({ length: 5 }, (_, i) => syslog(i + 2, `<13>m${i}`))]);
    const steps = [s.receive(bytes.subarray(0, 100)), s.receive(bytes.subarray(100, 117)), s.receive(bytes.subarray(117))];
    expect(steps.flatMap((st) => st.frames.map((f) => f.raw.toString()))).toEqual(['<13>m0', '<13>m1', '<13>m2', '<13>m3', '<13>m4']);
    expect(steps.flatMap((st) => st.replies.map((r) => r.toString().split(' ')[0]))).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('answers close with an empty rsp and ends, reading nothing after it', () => {
    const s = session();
    s.receive(open());
    const step = s.receive(Buffer.concat([syslog(2, '<13>last'), encodeFrame(3, 'close'), syslog(4, '<13>ignored')]));
    expect(plain(step)).toEqual({
      frames: ['<13>last'],
      replies: ['2 rsp 6 200 OK\n', '3 rsp 0\n'],
      close: { reason: 'client closed the session', broken: false },
    });
    expect(s.ended).toBe(true);
    expect(plain(s.receive(syslog(5, '<13>later')))).toEqual({ frames: [], replies: [] });
  });

  it('dead-letters an oversized message with its first bytes and acknowledges it: resending it would fail again', () => {
    const s = session(480);
    s.receive(open());
    const step = s.receive(Buffer.concat([syslog(2, `<13>${'x'.repeat(600)}`), syslog(3, '<13>next')]));
    expect(plain(step)).toEqual({
      frames: ['FRAME_TOO_LARGE: RELP syslog message of 604 bytes exceeds maxMessageBytes [<13>xxxx]', '<13>next'],
      replies: ['2 rsp 6 200 OK\n', '3 rsp 6 200 OK\n'],
    });
  });

  it('breaks the session on a broken frame: the frames before it stay, its bytes are dead-lettered, serverclose follows', () => {
    const s = session();
    s.receive(open());
    const step = s.receive(Buffer.concat([syslog(2, '<13>good'), Buffer.from('3 syslog 2 abc\n')]));
    expect(plain(step)).toEqual({
      frames: ['<13>good', 'RELP_PROTOCOL: broken RELP frame: frame 3 is not terminated by LF after its 2 data bytes [3 syslog]'],
      replies: ['2 rsp 6 200 OK\n', '0 serverclose 0\n'],
      close: { reason: 'broken RELP frame: frame 3 is not terminated by LF after its 2 data bytes', broken: true },
    });
  });

  it('breaks the session on a TXNR out of sequence, as librelp does', () => {
    const s = session();
    s.receive(open());
    const step = s.receive(Buffer.concat([syslog(2, '<13>a'), syslog(4, '<13>b')]));
    expect(plain(step).frames).toEqual(['<13>a', 'RELP_PROTOCOL: TXNR 4 out of sequence (expected 3) [4 syslog 5 <13>b\n]']);
    expect(step.close).toMatchObject({ broken: true });
  });

  it('breaks the session on syslog before open', () => {
    const step = session().receive(syslog(1, '<13>early'));
    expect(plain(step).frames).toEqual(['RELP_PROTOCOL: command syslog before open [1 syslog 9 <13>early\n]']);
    expect(plain(step).replies).toEqual(['0 serverclose 0\n']);
  });

  it.each([
    ['without the syslog command', 'relp_version=0\ncommands=', 'required command not supported by client'],
    ['without relp_version', 'commands=syslog', 'invalid offer: relp_version missing or not a number'],
  ])('refuses an open %s with 500, then closes', (_what, offers, problem) => {
    const step = session().receive(open(1, offers));
    expect(plain(step).replies).toEqual([`1 rsp ${4 + problem.length} 500 ${problem}\n`, '0 serverclose 0\n']);
    expect(step.close).toEqual({ reason: `open refused: ${problem}`, broken: true });
  });

  it('answers a command it does not know with 500 and carries on', () => {
    const s = session();
    s.receive(open());
    const step = s.receive(Buffer.concat([encodeFrame(2, 'starttls'), syslog(3, '<13>after')]));
    expect(plain(step)).toEqual({
      frames: ['<13>after'],
      replies: ['2 rsp 34 500 command starttls not supported\n', '3 rsp 6 200 OK\n'],
      refused: [{ txnr: 2, reason: 'command starttls not supported' }],
    });
  });

  it('answers a second open in a session as librelp does, without ending it', () => {
    const s = session();
    s.receive(open());
    expect(plain(s.receive(open(2)))).toEqual({ frames: [], replies: ['2 rsp 37 200 connection already open - ignored\n'] });
  });
});
