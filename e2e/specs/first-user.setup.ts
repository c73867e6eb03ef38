import { expect, test } from '@playwright/test';
import { accountButton, newUser, signUpViaUi } from './support.ts';

// Runs before every other project on a fresh data directory: the first account becomes admin.
test('sign up: the first user lands in the app as admin', async ({ page }) => {
  const user = newUser('Grace Hopper');
  await signUpViaUi(page, user);
  await expect(accountButton(page)).toContainText(user.email);
  await expect(accountButton(page)).toContainText('Admin');
});
