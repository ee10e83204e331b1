import { describe, expect, it } from 'vitest';
import { run } from './validate.js';

function capture(env: Record<string, string> = {}) {
  const lines: string[] = [];
  return { lines, io: { out: (s: string) => lines.push(s), env: env as NodeJS.ProcessEnv } };
}

describe('vigil validate: kafka, http and opensearch sinks', () => {
  it('accepts each with its own settings', async () => {
    const { lines, io } = capture();
    expect(await run(['test/fixtures/config/sinks-kafka-http-opensearch.yaml'], io)).toBe(0);
    expect(lines).toEqual(['test/fixtures/config/sinks-kafka-http-opensearch.yaml: ok']);
  });

  it('reports each bad field at its file:line and exits 2', async () => {
    const { lines, io } = capture();
    const file = 'test/fixtures/config/sinks-kafka-http-opensearch-bad.yaml';
    expect(await run([file], io)).toBe(2);
    const problems = lines.filter((l) => l.startsWith(`${file}:`));
    const at = (line: number, path: string, code: string) =>
      expect(
        problems.find((p) => p.startsWith(`${file}:${line}:`) && p.includes(` ${path}: `) && p.endsWith(`[${code}]`)),
        `${path} at line ${line}`,
      ).toBeDefined();
    at(5, 'sinks[0].brokers[0]', 'CONFIG_FORMAT');
    at(7, 'sinks[0].acks', 'CONFIG_ENUM');
    at(10, 'sinks[1].topic', 'CONFIG_FORMAT');
    at(13, 'sinks[2].url', 'CONFIG_FORMAT');
    at(15, 'sinks[2].auth.value', 'CONFIG_FORMAT');
    at(19, 'sinks[3].username', 'CONFIG_CONFLICT');
    at(20, 'sinks[3].namespace', 'CONFIG_FORMAT');
    // The placeholder secret is refused without being echoed.
    expect(lines.join('\n')).not.toContain('changeme-token-please');
  });
});
