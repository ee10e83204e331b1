import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../core/errors/index.js';
import { parsePlaceholderFile, readPlaceholders } from './placeholders.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-placeholders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('placeholders from config', () => {
  it('reads one value a line, without blank lines or comments', () => {
    expect(parsePlaceholderFile('# admins\nroot\n\n  administrator  # built in\r\nsvc#1\n')).toEqual(['root', 'administrator', 'svc#1']);
  });

  it('takes listed values and file values by name', () => {
    writeFileSync(join(dir, 'admins.txt'), 'root\nadmin\n');
    expect(readPlaceholders({ placeholders: { hosts: ['dc-01'] }, placeholderFiles: { admins: join(dir, 'admins.txt') } })).toEqual({
      hosts: ['dc-01'],
      admins: ['root', 'admin'],
    });
  });

  it('names the placeholder and the file it cannot read', () => {
    const missing = join(dir, 'missing.txt');
    try {
      readPlaceholders({ placeholderFiles: { admins: missing } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe('CONFIG_READ');
      expect((err as VigilError).message).toContain(`placeholder 'admins' from ${missing}: ENOENT`);
    }
  });
});
