// The browser the UI tests drive (Debian's chromium through playwright-core), where their
// screenshots go, and signing in to the admin UI with a local account.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testEnv } from './test-env.ts';

export const shots = join(testEnv().root, 'test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in on the admin UI's login page; resolves once the dashboard shows. */
export async function signInAdminUi(
  page: Page,
  apiUrl: string,
  account: { username: string; password: string },
): Promise<void> {
  await page.goto(`${apiUrl}/admin/`);
  await page.locator('input[name="username"]').fill(account.username);
  await page.locator('input[name="password"]').fill(account.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText('今日概况').first().waitFor();
}
