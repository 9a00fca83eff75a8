// DingTalk's JSAPI (the npm package, bundled): inside the DingTalk app the page gets 免登 codes.
import * as dd from 'dingtalk-jsapi/entry/union';
import { requestAuthCode$ as requestAuthCode } from 'dingtalk-jsapi/api/runtime/permission/requestAuthCode';

// The package reads the user agent: anything but notInDingTalk is the DingTalk app (phone or PC).
export const inDingTalk = (): boolean => String(dd.env.platform) !== 'notInDingTalk';

let corpId: Promise<string> | undefined;

/** A fresh single-use 免登 code for the signed-in DingTalk user (5 minutes). */
export async function dingtalkAuthCode(): Promise<string> {
  corpId ??= fetch('/api/public/config')
    .then((r) => r.json() as Promise<{ corpId: string }>)
    .then((c) => c.corpId);
  const { code } = await requestAuthCode({ corpId: await corpId });
  return code;
}
