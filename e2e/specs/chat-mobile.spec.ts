import { expect, test } from '@playwright/test';
import { assistantMessages, chooseModel, send, waitForDone } from './chat-support.ts';
import { expectNoHorizontalScroll, signUpViaApi } from './support.ts';

// Runs in the "mobile" project only (390 × 844, touch).

test('phone: send a message, use the drawer, never scroll sideways', async ({ page }) => {
  await signUpViaApi(page);
  await page.goto('/');
  await chooseModel(page, /gpt-4o-mini/);
  await expectNoHorizontalScroll(page, 390);
  await send(page, 'A question from a phone with a rather long line of text that has to wrap nicely');
  await expect(page).toHaveURL(/\/c\//);
  await waitForDone(page);
  await expect(assistantMessages(page).first()).toContainText('Fake reply');
  await expectNoHorizontalScroll(page, 390);

  await page.getByRole('button', { name: 'Open sidebar' }).click();
  const drawer = page.getByRole('dialog', { name: 'Sidebar' });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('region', { name: 'Today' }).getByRole('link')).toHaveCount(1);
  await expect(drawer.getByTestId('balance')).toBeVisible();
  await expectNoHorizontalScroll(page, 390);

  // New chat from the drawer closes it and empties the pane.
  await drawer.getByRole('link', { name: 'New chat' }).click();
  await expect(drawer).toBeHidden();
  await expect(page).toHaveURL(/\/$/);

  // Back to the conversation from the drawer.
  await page.getByRole('button', { name: 'Open sidebar' }).click();
  await drawer.getByRole('region', { name: 'Today' }).getByRole('link').click();
  await expect(drawer).toBeHidden();
  await expect(assistantMessages(page)).toHaveCount(1);

  // The credit history (a wide table) scrolls inside its box, not the page.
  await page.getByRole('button', { name: 'Open sidebar' }).click();
  await drawer.getByRole('link', { name: /^Balance:/ }).click();
  await expect(drawer).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Credit history' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Reply' }).first()).toBeVisible();
  await expectNoHorizontalScroll(page, 390);
});
