// The admin console's browser tests start alike: a context, one department, a local account with
// the admin and HR roles to sign in with, and a browser; and they stop alike.
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { TestContext, type ContextOptions, type TestDepartment } from './context.ts';
import { createLocalAccount } from './staff-client.ts';

export interface AdminUiSuite {
  ctx: TestContext;
  dept: TestDepartment;
  admin: { username: string; password: string };
  browser: Browser;
  close: () => Promise<void>;
}

export async function startAdminUiSuite(
  testFile: string,
  opts: ContextOptions & { size: number },
): Promise<AdminUiSuite> {
  const ctx = await TestContext.create(testFile, { worker: opts.worker, env: opts.env });
  try {
    const dept = await ctx.department({ size: opts.size });
    const admin = await createLocalAccount(ctx, ['admin', 'hr']);
    const browser = await launchBrowser();
    const close = async () => {
      await browser.close();
      await ctx.close();
    };
    return { ctx, dept, admin, browser, close };
  } catch (err) {
    await ctx.close();
    throw err;
  }
}
