import { defineConfig } from '@playwright/test';

/**
 * The console's browser tests: Debian's Chromium against the BUILT application (dist/), booted by the
 * harness (e2e/harness) with a ManualClock and a loopback control port. Run after `npm run build`:
 *   npx playwright test -c console/playwright.config.ts
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/output/results',
  globalSetup: './e2e/harness/global-setup.ts',
  // Two cores: one browser at a time; the specs share one service and its clock.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./e2e/summary-reporter.ts']],
  use: {
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 10_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
