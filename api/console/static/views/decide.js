/** Approve and Deny buttons for one approval step waiting for a decision. */
import { actionButton } from '../actions.js';
import { may } from '../session.js';

export function decisionButtons(runId, step, status, done) {
  return [
    ['approveStep', 'Approve', false],
    ['denyStep', 'Deny', true],
  ].flatMap(([id, verb, danger]) => {
    const op = may(id);
    return op ? [actionButton(op, { label: `${verb} ${step}`, params: { run: runId, step }, danger, status, done })] : [];
  });
}
