import { expect, test, type Page } from '@playwright/test';
import { chooseModel, send, waitForDone } from './chat-support.ts';
import { saveScreenshot, signUpViaApi } from './support.ts';

// Runs in both projects: e2e/screenshots/presets-<desktop|mobile>-<light|dark>-<what>.png
async function shot(page: Page, what: string, scheme: string) {
  await page.waitForTimeout(250); // let open animations finish
  await saveScreenshot(page, `presets-${test.info().project.name}-${scheme}-${what}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`presets screenshots (${scheme})`, async ({ page }) => {
    const mobile = test.info().project.name === 'mobile';
    const origin = test.info().project.use.baseURL ?? 'http://localhost:3180';
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await signUpViaApi(page);
    for (const [name, systemPrompt, params] of [
      ['Patient tutor', 'Explain step by step.', { temperature: 0.4 }],
      ['Code reviewer', 'Review code for bugs.', { temperature: 0.2, maxOutputTokens: 2000 }],
      ['Brainstorm', null, { temperature: 1.3, topP: 0.95 }],
    ] as const) {
      const r = await page.request.post('/api/presets', {
        data: { name, endpoint: 'openai', model: 'gpt-4o-mini', systemPrompt, params },
        headers: { origin },
      });
      expect(r.status()).toBe(201);
    }
    await page.goto('/');
    await chooseModel(page, /gpt-4o-mini/);
    await send(page, 'What is a preset?');
    await expect(page).toHaveURL(/\/c\//);
    await waitForDone(page);
    await expect(page.getByTestId('conversation-title')).not.toHaveText('New chat');

    // The settings sheet, filled in.
    await page.getByRole('button', { name: /^Chat settings/ }).click();
    const sheet = page.getByRole('dialog', { name: 'Chat settings' });
    await sheet.getByRole('textbox', { name: 'System prompt' }).fill('You are a patient tutor. Explain step by step.');
    await sheet.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0.4');
    await sheet.getByRole('spinbutton', { name: 'Max output tokens' }).fill('1500');
    await page.getByRole('heading', { name: 'Chat settings' }).click(); // blur: no focus ring in the shot
    await shot(page, 'settings', scheme);
    await sheet.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(sheet).toBeHidden();
    await expect(page.getByTestId('conversation-settings-button')).toHaveAttribute('data-customized', 'true');
    await shot(page, 'chat-customized', scheme);

    // Archive it, so the archive has something.
    const calls = { headers: { origin } };
    const id = new URL(page.url()).pathname.split('/').pop()!;
    for (let i = 0; i < 3; i++) {
      const copy = await (await page.request.post(`/api/conversations/${id}/duplicate`, { data: {}, ...calls })).json();
      await page.request.patch(`/api/conversations/${copy.id}`, { data: { archived: true }, ...calls });
    }

    // The presets menu.
    if (mobile) {
      await page.getByRole('link', { name: 'New chat' }).click();
      await page.getByRole('button', { name: 'Presets' }).click();
    } else {
      await page.getByRole('complementary', { name: 'Sidebar' }).getByRole('button', { name: 'Presets' }).click();
    }
    await expect(page.getByRole('menuitem', { name: 'Patient tutor' })).toBeVisible();
    await shot(page, 'presets-menu', scheme);
    await page.getByRole('menuitem', { name: 'Manage presets…' }).click();
    const presets = page.getByRole('dialog', { name: 'Presets' });
    await expect(presets.getByTestId('preset-row')).toHaveCount(3);
    await shot(page, 'presets-dialog', scheme);
    await page.keyboard.press('Escape');
    await expect(presets).toBeHidden();

    // The archived view.
    let scope = page.getByRole('complementary', { name: 'Sidebar' });
    if (mobile) {
      await page.getByRole('button', { name: 'Open sidebar' }).click();
      scope = page.getByRole('dialog', { name: 'Sidebar' });
    }
    await scope.getByRole('button', { name: 'Archived chats' }).click();
    const archived = page.getByRole('dialog', { name: 'Archived chats' });
    await expect(archived.getByTestId('archived-row')).toHaveCount(3);
    await shot(page, 'archived', scheme);
  });
}
