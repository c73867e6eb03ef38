import { expect, test } from '@playwright/test';
import { chooseModel, send, waitForDone } from './chat-support.ts';
import { expectNoHorizontalScroll, signUpViaApi } from './support.ts';

// Runs in the "mobile" project only (390 × 844, touch).

test('phone: the chat settings sheet fills the screen width, scrolls inside, and Esc gives focus back', async ({
  page,
}) => {
  await signUpViaApi(page);
  await page.goto('/');
  await chooseModel(page, /gpt-4o-mini/);
  const button = page.getByRole('button', { name: /^Chat settings/ });
  await button.click();
  const sheet = page.getByRole('dialog', { name: 'Chat settings' });
  await expect(sheet).toBeVisible();
  const box = (await sheet.boundingBox())!;
  expect(box.x).toBe(0);
  expect(box.width).toBe(390);
  expect(box.height).toBeGreaterThanOrEqual(800);
  await expectNoHorizontalScroll(page, 390);
  // Every control fits the width; the footer stays on screen while the body scrolls.
  for (const control of [
    sheet.getByRole('textbox', { name: 'System prompt' }),
    sheet.getByRole('slider', { name: 'Temperature slider' }),
    sheet.getByRole('spinbutton', { name: 'Temperature', exact: true }),
    sheet.getByRole('spinbutton', { name: 'Max output tokens' }),
    sheet.getByRole('textbox', { name: 'Preset name' }),
  ]) {
    await control.scrollIntoViewIfNeeded();
    const b = (await control.boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
  }
  const save = sheet.getByRole('button', { name: 'Save', exact: true });
  await expect(save).toBeInViewport();
  await sheet.getByRole('textbox', { name: 'System prompt' }).fill('Answer in one sentence.');
  await sheet.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.5');
  await save.click();
  await expect(sheet).toBeHidden();
  await expect(page.getByRole('button', { name: 'Chat settings (custom settings in use)' })).toBeFocused();

  await send(page, 'Hello from a phone');
  await expect(page).toHaveURL(/\/c\//);
  await waitForDone(page);
  await page.getByRole('button', { name: /^Chat settings/ }).click();
  await expect(sheet.getByRole('textbox', { name: 'System prompt' })).toHaveValue('Answer in one sentence.');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await expect(page.getByRole('button', { name: /^Chat settings/ })).toBeFocused();

  // Presets and the archive from the drawer fit too.
  await page.getByRole('button', { name: 'Open sidebar' }).click();
  const drawer = page.getByRole('dialog', { name: 'Sidebar' });
  await drawer.getByRole('button', { name: 'Archived chats' }).click();
  const archived = page.getByRole('dialog', { name: 'Archived chats' });
  await expect(archived.getByText('No archived chats.')).toBeVisible();
  await expectNoHorizontalScroll(page, 390);
  await page.keyboard.press('Escape');
  await expect(archived).toBeHidden();
  await expect(drawer.getByRole('button', { name: 'Archived chats' })).toBeFocused();
  await drawer.getByRole('button', { name: 'Presets' }).click();
  await expect(page.getByRole('menuitem', { name: 'Manage presets…' })).toBeVisible();
  const menu = (await page.getByRole('menu').boundingBox())!;
  expect(menu.x).toBeGreaterThanOrEqual(0);
  await expectNoHorizontalScroll(page, 390);
});
