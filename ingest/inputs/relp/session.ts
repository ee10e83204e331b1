import { VigilError } from '../../../core/errors/index.js';
import type { IngestFrame } from '../../frame-to-record.js';
import { stripTrailers } from '../../framing/index.js';
import {
  encodeCloseResponse,
  encodeFrame,
  encodeResponse,
  FIRST_TXNR,
  formatOffers,
  nextTxnr,
  parseOffers,
  RelpDecoder,
  SERVER_CLOSE,
  type Decoded,
} from './protocol.js';

/** What the server does with one chunk of a session's bytes. */
export interface SessionStep {
  /** The events of `syslog` frames and the dead letters of bad ones, in TXNR order. */
  frames: IngestFrame[];
  /**
   * Responses, in TXNR order, to write only once `frames` (and every earlier step's frames) are
   * durable in Kafka: a `200 OK` tells the sender it may forget the message.
   */
  replies: Buffer[];
  /** Close the session after the replies, and why. */
  close?: { reason: string; /** the session broke the protocol (vs. the client said `close`) */ broken: boolean };
  /** Frames answered with an error code (no event was in them): for the log and the error count. */
  refused: Array<{ txnr: number; reason: string }>;
}

export interface SessionOptions {
  /** The sender's address, carried by every frame. */
  peer: string;
  /** Largest syslog message taken whole; a larger one is dead-lettered with its first bytes (and acknowledged). */
  maxMessageBytes: number;
  /** Leading bytes kept in the dead letter of an oversized or broken frame. Default 1024. */
  sampleBytes?: number;
  /** `relp_software` offered in the `open` response. */
  software: string;
}

/** RELP's only protocol version (librelp's RELP_CURR_PROTOCOL_VERSION). */
const RELP_VERSION = 0;

/**
 * The server side of one RELP session, without sockets: bytes in, frames to publish and the
 * responses that acknowledge them out. It checks what librelp's server checks: TXNRs in sequence
 * from 1, `open` before anything else, the `syslog` command among the client's offers. A broken
 * frame or session is dead-lettered with its bytes and ends the session; an oversized message is
 * dead-lettered and acknowledged (resending it could never succeed).
 */
export class RelpSession {
  private readonly decoder: RelpDecoder;
  private readonly peer: string;
  private readonly software: string;
  private expected = FIRST_TXNR;
  private opened = false;
  private over = false;

  constructor(opts: SessionOptions) {
    this.peer = opts.peer;
    this.software = opts.software;
    this.decoder = new RelpDecoder({ maxDataBytes: opts.maxMessageBytes, sampleBytes: opts.sampleBytes ?? 1024 });
  }

  /** True once the session ended (closed by the client, or broken): later bytes are ignored. */
  get ended(): boolean {
    return this.over;
  }

  /** Bytes of a frame not yet complete; a connection closing now loses them (the sender resends). */
  get pendingBytes(): number {
    return this.decoder.pendingBytes;
  }

  receive(chunk: Buffer): SessionStep {
    const step: SessionStep = { frames: [], replies: [], refused: [] };
    if (this.over) return step;
    for (const d of this.decoder.push(chunk)) {
      this.handle(d, step);
      if (this.over) break;
    }
    return step;
  }

  private handle(d: Decoded, step: SessionStep): void {
    if (d.kind === 'error') return this.broken(step, `broken RELP frame: ${d.reason}`, d.raw);
    const raw = () => (d.kind === 'frame' ? encodeFrame(d.frame.txnr, d.frame.command, d.frame.data) : d.sample);
    const txnr = d.kind === 'frame' ? d.frame.txnr : d.txnr;
    const command = d.kind === 'frame' ? d.frame.command : d.command;
    if (txnr !== this.expected) {
      return this.broken(step, `TXNR ${txnr} out of sequence (expected ${this.expected})`, raw());
    }
    this.expected = nextTxnr(txnr);
    if (!this.opened && command !== 'open') {
      return this.broken(step, `command ${command} before open`, raw());
    }

    if (d.kind === 'oversized') {
      if (command !== 'syslog') return this.broken(step, `${command} frame of ${d.size} bytes is too large`, d.sample);
      step.frames.push({
        raw: d.sample,
        peer: this.peer,
        error: new VigilError('FRAME_TOO_LARGE', `RELP syslog message of ${d.size} bytes exceeds maxMessageBytes`),
      });
      step.replies.push(encodeResponse(txnr, 200, 'OK'));
      return;
    }

    const { data } = d.frame;
    switch (command) {
      case 'syslog':
        step.frames.push({ raw: stripTrailers(data), peer: this.peer });
        step.replies.push(encodeResponse(txnr, 200, 'OK'));
        return;
      case 'open':
        return this.open(txnr, data, step);
      case 'close':
        step.replies.push(encodeCloseResponse(txnr));
        step.close = { reason: 'client closed the session', broken: false };
        this.over = true;
        return;
      default:
        // No event is in an unknown command: refuse it and carry on, as the client may live without it.
        step.replies.push(encodeResponse(txnr, 500, `command ${command} not supported`));
        step.refused.push({ txnr, reason: `command ${command} not supported` });
    }
  }

  private open(txnr: number, data: Buffer, step: SessionStep): void {
    if (this.opened) {
      // librelp answers a repeated open this way: some client versions send one inside a session.
      step.replies.push(encodeResponse(txnr, 200, 'connection already open - ignored'));
      return;
    }
    const offers = parseOffers(data);
    const version = offers.get('relp_version')?.[0];
    const problem =
      version === undefined || !/^\d+$/.test(version)
        ? 'invalid offer: relp_version missing or not a number'
        : !(offers.get('commands') ?? []).includes('syslog')
          ? 'required command not supported by client'
          : undefined;
    if (problem) {
      step.replies.push(encodeResponse(txnr, 500, problem));
      this.broken(step, `open refused: ${problem}`, encodeFrame(txnr, 'open', data));
      return;
    }
    this.opened = true;
    const ours = new Map([
      ['relp_version', [String(Math.min(Number(version), RELP_VERSION))]],
      ['relp_software', [this.software]],
      ['commands', ['syslog']],
    ]);
    step.replies.push(encodeResponse(txnr, 200, 'OK', formatOffers(ours)));
  }

  /** The session cannot go on: dead-letter what broke it, tell the client, close. */
  private broken(step: SessionStep, reason: string, raw: Buffer): void {
    step.frames.push({ raw, peer: this.peer, error: new VigilError('RELP_PROTOCOL', reason) });
    step.replies.push(SERVER_CLOSE);
    step.close = { reason, broken: true };
    this.over = true;
  }
}
