// A browser context that looks like the DingTalk Android app to dingtalk-jsapi: its user agent
// and its native bridge (window.nuva), whose 免登 codes come from the fake for `userid`.
import type { Browser, BrowserContextOptions } from 'playwright-core';
import type { TestContext } from './context.ts';

export const DINGTALK_ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 AliApp(DingTalk/7.6.0) com.alibaba.android.rimet DingTalk(7.6.0)';

/** The context and the codes the page asked the app for (in order). */
export async function dingtalkAppContext(
  browser: Browser,
  ctx: TestContext,
  userid: string,
  options: BrowserContextOptions,
) {
  const context = await browser.newContext({ ...options, userAgent: DINGTALK_ANDROID_UA });
  const minted: string[] = [];
  await context.exposeFunction('mintDingTalkAuthCode', async () => {
    const res = await fetch(`${ctx.fake.url}/_fake/auth-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userid }),
    });
    const { code } = (await res.json()) as { code: string };
    minted.push(code);
    return code;
  });
  await context.addInitScript({
    content: `window.nuva = {
      isReady: true,
      require: () => (ok, fail, service, action) => {
        if (service + '.' + action !== 'runtime.permission.requestAuthCode')
          return fail({ errorCode: '9', errorMessage: 'not in this test: ' + service + '.' + action });
        window.mintDingTalkAuthCode().then((code) => ok({ code }), fail);
      },
    };`,
  });
  return { context, minted };
}
