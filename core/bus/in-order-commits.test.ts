import { describe, expect, it } from 'vitest';
import { CommitQueue, PartitionWindow, type PendingCommit } from './in-order-commits.js';

/** A queue whose first commit request stays unanswered until `release()`, and two partitions' windows. */
function heldFirstCommit() {
  const sent: PendingCommit[][] = [];
  let answer: () => void = () => undefined;
  const queue = new CommitQueue(
    (c) => (sent.push(c), sent.length === 1 ? new Promise<void>((r) => (answer = r)) : Promise.resolve()),
    () => undefined,
  );
  return { sent, queue, release: () => answer(), p0: new PartitionWindow('t', 0, 2), p1: new PartitionWindow('t', 1, 2) };
}

describe('the commit queue of a pipelined loop', () => {
  it('sends one request at a time; what comes in meanwhile goes together in the next, latest offset per partition', async () => {
    const { sent, queue, release, p0, p1 } = heldFirstCommit();
    queue.add(p0, '5');
    queue.add(p0, '9');
    queue.add(p0, '12');
    queue.add(p1, '3');
    expect(sent).toEqual([[{ topic: 't', partition: 0, offset: '5' }]]);
    release();
    await queue.flush();
    expect(sent[1]).toEqual([
      { topic: 't', partition: 0, offset: '12' },
      { topic: 't', partition: 1, offset: '3' },
    ]);
  });

  it('sends a failed commit again with the next one, unless a later offset of its partition replaced it', async () => {
    const sent: PendingCommit[][] = [];
    const errors: unknown[] = [];
    let fail = true;
    const queue = new CommitQueue(
      async (c) => {
        sent.push(c);
        if (fail) throw new Error('coordinator moved');
      },
      (err) => errors.push(err),
    );
    const p0 = new PartitionWindow('t', 0, 2);
    const p1 = new PartitionWindow('t', 1, 2);
    queue.add(p0, '5');
    queue.add(p1, '3');
    await queue.flush();
    expect(errors).toHaveLength(2); // the first request and the one flush made
    fail = false;
    queue.add(p0, '8');
    await queue.flush();
    expect([...(sent.at(-1) ?? [])].sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: 't', partition: 0, offset: '8' },
      { topic: 't', partition: 1, offset: '3' },
    ]);
  });

  it('leaves out the commit of a window revoked before it went out', async () => {
    const { sent, queue, release, p0, p1 } = heldFirstCommit();
    queue.add(p0, '5');
    queue.add(p1, '3');
    p1.revoke();
    release();
    await queue.flush();
    expect(sent).toEqual([[{ topic: 't', partition: 0, offset: '5' }]]);
  });
});
