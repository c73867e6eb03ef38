import { expect, test } from '@playwright/test';
import { openAccountMenu, signUpViaApi } from './support.ts';

test('language: switch on the sign-in page, remembered after a reload', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByLabel('Language').selectOption('zh-CN');

  await expect(page.getByRole('heading', { name: '欢迎回来' })).toBeVisible();
  await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page).toHaveTitle('登录 · Tessera');

  await page.reload();
  await expect(page.getByRole('heading', { name: '欢迎回来' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('language: switch in the account menu, the whole shell follows', async ({ page }) => {
  const user = await signUpViaApi(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();

  let menu = await openAccountMenu(page);
  await menu.getByRole('menuitemradio', { name: '简体中文' }).click();
  await expect(page.getByRole('heading', { name: `欢迎，${user.name}` })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: '退出登录' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('link', { name: '新对话' }).first()).toBeVisible();
  await expect(page.getByText('还没有对话')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.reload();
  await expect(page.getByRole('heading', { name: `欢迎，${user.name}` })).toBeVisible();

  menu = await openAccountMenu(page);
  await menu.getByRole('menuitemradio', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test.describe('with a Chinese browser', () => {
  test.use({ locale: 'zh-TW' });

  test('defaults to Simplified Chinese for any zh* browser language', async ({ page }) => {
    await page.goto('/sign-in');
    await expect(page.getByRole('heading', { name: '欢迎回来' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByLabel('语言')).toHaveValue('zh-CN');
  });
});
