import { expect, type Page } from '@playwright/test';

/** The hidden fields of the confirm page shown, to post them again as a replay would. */
export async function confirmForm(
  page: Page,
): Promise<{ action: string; form: Record<string, string> }> {
  const form = page.locator('form.confirm-form');
  const fields: Record<string, string> = {};
  for (const input of await form.locator('input[type="hidden"]').all()) {
    const name = (await input.getAttribute('name')) ?? '';
    fields[name] = (await input.getAttribute('value')) ?? '';
  }
  return { action: (await form.getAttribute('action')) ?? '', form: fields };
}

/** Presses the confirm page's button (its one submit) and waits for the page after it. */
export async function pressConfirm(page: Page): Promise<void> {
  const button = page.locator('form.confirm-form button[type="submit"]');
  await expect(button).toBeVisible();
  await Promise.all([page.waitForEvent('load'), button.click()]);
}
