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

/** The Origin header of the app's own pages: the server refuses cookie-authenticated changes without it. */
export function ownOrigin(): { origin: string } {
  return { origin: test.info().project.use.baseURL ?? 'http://localhost:3180' };
}

/**
 * Signs up through the API with the page's own cookie jar, so the page is signed in afterwards.
 * (The UI flow itself is covered by the auth specs.)
 */
export async function signUpViaApi(page: Page, user: TestUser = newUser()): Promise<TestUser> {
  const response = await page.request.post('/api/auth/sign-up/email', { data: user, headers: ownOrigin() });
  expect(response.status(), await response.text()).toBe(200);
  return user;
}

/**
 * Signs up the way a new visitor does: the app sends them to sign in, they follow "Sign up" and fill
 * the form; they land on the new-chat page greeted by name.
 */
export async function signUpViaUi(page: Page, user: TestUser): Promise<void> {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
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
