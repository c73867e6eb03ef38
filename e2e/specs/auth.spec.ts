import { expect, test } from '@playwright/test';
import { accountButton, fillSignIn, newUser, openAccountMenu, signUpViaApi } from './support.ts';

test.describe('auth', () => {
  test('signed-out visitors are sent to sign in', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
    await expect(page).toHaveTitle('Sign in · Tessera');
  });

  test('sign up through the form, stay signed in after a reload', async ({ page }) => {
    const user = newUser('Alan Turing');
    await page.goto('/sign-up');
    await page.getByLabel('Name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    const submit = page.getByRole('button', { name: 'Create account' });
    await submit.click();

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
    await expect(accountButton(page)).toContainText(user.email);
    await expect(accountButton(page)).not.toContainText('Admin');

    await page.reload();
    await expect(page.getByRole('heading', { name: `Welcome, ${user.name}` })).toBeVisible();
  });

  test('sign out from the account menu', async ({ page }) => {
    await signUpViaApi(page);
    await page.goto('/');
    const menu = await openAccountMenu(page);
    await menu.getByRole('menuitem', { name: 'Sign out' }).click();

    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
    // The session really is gone.
    await page.goto('/');
    await expect(page).toHaveURL(/\/sign-in$/);
    expect((await page.request.get('/api/me')).status()).toBe(401);
  });

  test('sign in with the right password; signed-in users skip the sign-in page', async ({ page, browser }) => {
    const user = newUser('Katherine Johnson');
    // Create the account in another context so this page starts signed out.
    const other = await browser.newContext();
    await signUpViaApi(await other.newPage(), user);
    await other.close();

    await page.goto('/sign-in');
    await fillSignIn(page, user.email, user.password);
    await expect(page).toHaveURL(/\/$/);
    await expect(accountButton(page)).toContainText(user.email);

    await page.goto('/sign-in');
    await expect(page).toHaveURL(/\/$/);
    await page.goto('/sign-up');
    await expect(page).toHaveURL(/\/$/);
  });

  test('a wrong password shows the translated error', async ({ page, browser }) => {
    const user = newUser();
    const other = await browser.newContext();
    await signUpViaApi(await other.newPage(), user);
    await other.close();

    await page.goto('/sign-in');
    await fillSignIn(page, user.email, 'not the password');
    const alert = page.getByRole('alert');
    await expect(alert).toHaveText('Incorrect email or password.');
    await expect(page).toHaveURL(/\/sign-in$/);
    // Never a raw status.
    await expect(alert).not.toContainText('401');

    // The same error, in Chinese, once the language is switched (even for the error on screen).
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(alert).toHaveText('邮箱或密码不正确。');
    await page.getByLabel('密码', { exact: true }).fill('still not the password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('邮箱或密码不正确。');
  });

  test('sign-in form: empty and invalid fields show errors under each field', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    const email = page.getByLabel('Email');
    const password = page.getByLabel('Password', { exact: true });
    await expect(page.getByText('Enter a valid email address')).toBeVisible();
    await expect(page.getByText('Enter your password')).toBeVisible();
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(password).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toBeFocused();
    await expect(email).toHaveAccessibleDescription('Enter a valid email address');

    await email.fill('not-an-email');
    // Editing hides that field's error until the next submit.
    await expect(page.getByText('Enter a valid email address')).toHaveCount(0);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByText('Enter a valid email address')).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test('sign-up form: field errors from the client and from the server', async ({ page }) => {
    await page.goto('/sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Enter your name')).toBeVisible();
    await expect(page.getByText('Enter a valid email address')).toBeVisible();
    // As in the shared schema: an empty new password is "too short".
    await expect(page.getByText('Use at least 8 characters')).toBeVisible();
    await expect(page.getByLabel('Name')).toBeFocused();

    await page.getByLabel('Name').fill('Short Password');
    await page.getByLabel('Email').fill(newUser().email);
    await page.getByLabel('Password', { exact: true }).fill('abc');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('Use at least 8 characters')).toBeVisible();
    await expect(page.getByLabel('Password', { exact: true })).toBeFocused();

    // An email that is already registered: the server's answer, under the email field.
    const taken = newUser();
    const other = await page.context().browser()!.newContext();
    await signUpViaApi(await other.newPage(), taken);
    await other.close();
    await page.getByLabel('Email').fill(taken.email);
    await page.getByLabel('Password', { exact: true }).fill(taken.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('An account with this email already exists.')).toBeVisible();
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

    // The same errors in Chinese.
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(page.getByText('该邮箱已注册。')).toBeVisible();
    await page.getByLabel('邮箱').fill('');
    await page.getByRole('button', { name: '创建账号' }).click();
    await expect(page.getByText('请输入有效的邮箱地址')).toBeVisible();
  });

  test('the two auth pages link to each other', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Sign up' }).click();
    await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
  });

  test('sign-up page says so when registration is closed', async ({ page }) => {
    // Only the flag is changed; the rest of the answer is the real server's.
    await page.route('**/api/config', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), registrationOpen: false } });
    });
    await page.goto('/sign-up');
    await expect(page.getByRole('heading', { name: 'Registration is closed' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create account' })).toHaveCount(0);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
  });
});
