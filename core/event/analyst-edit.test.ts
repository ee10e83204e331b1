import { describe, expect, it } from 'vitest';
import { EDIT_SOURCE_FIELDS, editPending, type EditableSource } from './analyst-edit.js';

describe('analyst edits of incident documents', () => {
  const source = (status?: string, emitted?: string): EditableSource => ({
    incident: status === undefined ? {} : { status },
    ...(emitted ? { vigil: { emitted_status: emitted } } : {}),
  });

  it('tells a pending edit by the status and its emitted copy differing', () => {
    expect(editPending(source('closed', 'open'))).toBe(true);
    expect(editPending(source('open', 'open'))).toBe(false);
    expect(editPending(source('closed'))).toBe(false); // written before emitted_status existed
    expect(editPending(source(undefined, 'open'))).toBe(false);
    expect(editPending(undefined)).toBe(false);
  });

  it('reads the analyst’s four fields and the emitted status, nothing else', () => {
    expect(EDIT_SOURCE_FIELDS).toEqual([
      'incident.status',
      'incident.status_by',
      'incident.status_reason',
      'incident.status_changed_at',
      'vigil.emitted_status',
    ]);
  });
});
