import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

export const PASSWORD = 'correct horse battery';

export interface TestUser {
  name: string;
  email: string;
  password: string;
}

/** A fresh account description; every test uses its own. */
export function newUser(name = 'Ada Lovelace'): TestUser {
  const id = `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
  return { name, email: `u-${id}@example.com`, password: PASSWORD };
}

/**
 * Signs up through the API with the page's own cookie jar, so the page is signed in afterwards.
 * (The UI flow itself is covered by the auth specs.)
 */
export async function signUpViaApi(page: Page, user: TestUser = newUser()): Promise<TestUser> {
  const baseURL = test.info().project.use.baseURL ?? 'http://localhost:3180';
  const response = await page.request.post('/api/auth/sign-up/email', {
    data: user,
    headers: { origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(200);
  return user;
}

/** Fills and submits the sign-in form on the current page. */
export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The account button at the bottom of the sidebar (visible one only). */
export function accountButton(page: Page) {
  return page.getByRole('button', { name: /^(Account menu|账号菜单)/ });
}

export async function openAccountMenu(page: Page) {
  await accountButton(page).click();
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  return menu;
}

/** Layout must never scroll sideways. */
export async function expectNoHorizontalScroll(page: Page, width: number): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(width);
}

const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Saves e2e/screenshots/<name>.png once the web fonts are in. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}
