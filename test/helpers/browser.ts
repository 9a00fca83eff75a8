// The browser the UI tests drive (Debian's chromium through playwright-core), where their
// screenshots go, and signing in to the admin UI with a local account.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/chromium.ts';
import { testEnv } from './test-env.ts';

export const shots = join(testEnv().root, 'test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(shots, { recursive: true });
  return launchChromium();
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

/**
 * An HTML5 drag as a person makes it: press on `source`, move a little so the browser starts the
 * drag, move over `target`, release. (Locator.dragTo's single jump did not start a drag from a
 * small handle in the admin UI.)
 */
export async function dragWithMouse(page: Page, source: Locator, target: Locator): Promise<void> {
  await source.scrollIntoViewIfNeeded();
  const from = await source.boundingBox();
  if (!from) throw new Error('drag source is not visible');
  const x = from.x + from.width / 2;
  const y = from.y + from.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 10, y + 10, { steps: 5 });
  await target.hover();
  const to = await target.boundingBox();
  if (!to) throw new Error('drop target is not visible');
  await page.mouse.move(to.x + to.width / 2 + 5, to.y + to.height / 2 + 5, { steps: 5 });
  await page.mouse.up();
}
