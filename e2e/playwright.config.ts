import fs from 'node:fs';
import os from 'node:os';
import { defineConfig, devices } from '@playwright/test';

// Ports can be moved (E2E_PORT, E2E_FAKE_LLM_PORT, E2E_FAKE_STRIPE_PORT, E2E_FRESH_PORT) so two runs can
// share a machine. The fresh-install server defaults to the app's port + 1.
const PORT = Number(process.env.E2E_PORT ?? 3180);
const FAKE_LLM_PORT = Number(process.env.E2E_FAKE_LLM_PORT ?? 4011);
const FAKE_STRIPE_PORT = Number(process.env.E2E_FAKE_STRIPE_PORT ?? 4012);
const FRESH_PORT = Number(process.env.E2E_FRESH_PORT ?? PORT + 1);
// Test keys shared by the app server and the fake Stripe (the browser gets the publishable one from the app).
const STRIPE_SECRET_KEY = 'sk_test_e2e_0123456789abcdef';
const STRIPE_PUBLISHABLE_KEY = 'pk_test_e2e_0123456789abcdef';
const STRIPE_WEBHOOK_SECRET = 'whsec_e2e_0123456789abcdef0123456789abcdef';
// E2E_BASE_URL runs the specs against a server you started yourself (it needs a fresh database:
// the setup project expects to create the first, admin, account).
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? `http://localhost:${PORT}`;

// This file is evaluated by the runner and by every worker: make the data dir once and pass it
// on through the environment so all of them agree (and no stray temp dirs pile up).
const dataDir = (process.env.TESSERA_E2E_DATA_DIR ??= fs.mkdtempSync(`${os.tmpdir()}/tessera-e2e-`));
// The fresh-install server's own empty directory: data, generated secret, and the directory it is started
// from (so no tessera.yaml is found).
const freshDir = (process.env.TESSERA_E2E_FRESH_DIR ??= fs.mkdtempSync(`${os.tmpdir()}/tessera-e2e-fresh-`));
const FRESH_SPEC = /fresh-install\.spec\.ts/;

// Everything that could configure the fresh-install server, emptied (an empty value counts as unset), so
// whatever the shell running the tests has set (a provider key, DATABASE_URL…) cannot leak into it.
const UNSET = Object.fromEntries(
  [
    'TESSERA_CONFIG',
    'TESSERA_DEMO',
    'TESSERA_SECRET',
    'DATABASE_URL',
    'REDIS_URL',
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'OPENAI_MODELS',
    'ANTHROPIC_API_KEY',
    'GOOGLE_GENERATIVE_AI_API_KEY',
    'AZURE_API_KEY',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'OLLAMA_BASE_URL',
    'STRIPE_SECRET_KEY',
    'STRIPE_PUBLISHABLE_KEY',
    'STRIPE_WEBHOOK_SECRET',
    'DEMO_TOKEN_DELAY_MS',
  ].map((name) => [name, '']),
);

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: './specs',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  forbidOnly: !!process.env.CI,
  use: {
    baseURL,
    locale: 'en-US',
    colorScheme: 'light',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  projects: [
    // Signs up the very first account (which becomes admin) before anything else runs.
    {
      name: 'setup',
      testMatch: /first-user\.setup\.ts/,
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions: chromium },
    },
    {
      name: 'desktop',
      dependencies: ['setup'],
      testIgnore: [/mobile\.spec\.ts/, FRESH_SPEC],
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions: chromium },
    },
    {
      name: 'mobile',
      dependencies: ['setup'],
      testMatch: /(mobile|screenshots)\.spec\.ts/,
      use: {
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        launchOptions: chromium,
      },
    },
    // A second server as a new user installs it: no provider, no config file, an empty data directory.
    // Only with the servers this config starts (E2E_BASE_URL points at one server).
    ...(external
      ? []
      : [
          {
            name: 'fresh-install',
            testMatch: FRESH_SPEC,
            use: {
              ...devices['Desktop Chrome'],
              baseURL: `http://localhost:${FRESH_PORT}`,
              viewport: { width: 1280, height: 800 },
              launchOptions: chromium,
            },
          },
        ]),
  ],
  webServer: external
    ? undefined
    : [
        {
          // The provider stand-in: a real OpenAI-compatible endpoint for the chat specs.
          command: `node --import tsx ../tools/fake-llm/main.ts --port ${FAKE_LLM_PORT} --tokens 40 --delay-ms 15 --models gpt-4o-mini`,
          url: `http://127.0.0.1:${FAKE_LLM_PORT}/v1/models`,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: 'pipe',
          stderr: 'pipe',
        },
        {
          // The Stripe stand-in: Stripe's REST API for the server and for the browser's Stripe.js stub
          // (the specs route https://api.stripe.com to it); it signs and delivers webhooks to the app.
          command: `node --import tsx ../tools/fake-stripe/main.ts --port ${FAKE_STRIPE_PORT} --webhook-url http://127.0.0.1:${PORT}/api/payments/webhook --webhook-secret ${STRIPE_WEBHOOK_SECRET} --secret-key ${STRIPE_SECRET_KEY} --publishable-key ${STRIPE_PUBLISHABLE_KEY}`,
          url: `http://127.0.0.1:${FAKE_STRIPE_PORT}/v1/payment_intents`,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: 'pipe',
          stderr: 'pipe',
        },
        {
          command: 'node ../scripts/start.mjs',
          url: `${baseURL}/api/health`,
          reuseExistingServer: false,
          timeout: 120_000,
          stdout: 'pipe',
          stderr: 'pipe',
          env: {
            PORT: String(PORT),
            TESSERA_DATA_DIR: dataDir,
            TESSERA_SECRET: 'e2e-secret-at-least-32-characters-long',
            OPENAI_API_KEY: 'e2e',
            OPENAI_BASE_URL: `http://127.0.0.1:${FAKE_LLM_PORT}/v1`,
            OPENAI_MODELS: 'gpt-4o-mini',
            TESSERA_DEMO: 'on',
            DEMO_TOKEN_DELAY_MS: '5',
            LOG_LEVEL: 'warn',
            TESSERA_CONFIG: `${import.meta.dirname}/tessera.e2e.yaml`,
            STRIPE_SECRET_KEY,
            STRIPE_PUBLISHABLE_KEY,
            STRIPE_WEBHOOK_SECRET,
            STRIPE_API_URL: `http://127.0.0.1:${FAKE_STRIPE_PORT}`,
          },
        },
        {
          command: 'node ../scripts/start.mjs',
          url: `http://localhost:${FRESH_PORT}/api/health`,
          reuseExistingServer: false,
          timeout: 120_000,
          stdout: 'pipe',
          stderr: 'pipe',
          env: {
            ...UNSET,
            PORT: String(FRESH_PORT),
            TESSERA_DATA_DIR: `${freshDir}/data`,
            INIT_CWD: freshDir,
            LOG_LEVEL: 'warn',
          },
        },
      ],
});
