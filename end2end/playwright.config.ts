import { defineConfig } from '@playwright/test';

// The test command picks a free port and exports it; the server is started here.
const port = Number(process.env.BERTH_E2E_PORT ?? 5987);
export const adminPassword = 'e2e-admin-password';

export default defineConfig({
  testDir: './tests',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: './start-berth.sh',
    url: `http://127.0.0.1:${port}/healthz`,
    env: {
      BERTH_LISTEN: `127.0.0.1:${port}`,
      BERTH_ADMIN_PASSWORD: adminPassword,
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
