import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'pixel',
          root: 'packages/pixel',
          include: ['src/**/*.test.ts'],
          environment: 'happy-dom',
          restoreMocks: true,
          unstubGlobals: true,
        },
      },
      {
        test: {
          name: 'collector',
          root: 'packages/collector',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          restoreMocks: true,
        },
      },
    ],
  },
});
