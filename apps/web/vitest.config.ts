import { defineConfig } from 'vitest/config';

// Unit tests of the web app's pure logic (run: npx vitest run --config apps/web/vitest.config.ts).
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
