import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.vigil/**'],
    // Integration tests share one local Kafka, Redis and Elasticsearch (unique topic and index
    // names keep them apart); two workers match the machine's two cores.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    globalSetup: ['test/support/temp-cache-dir.ts'],
  },
});
