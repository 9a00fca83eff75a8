// Inside the DingTalk app (a manager opening a review card on the phone) the admin UI signs the
// person in with 免登: a JSAPI auth code exchanged at /api/auth/dingtalk/session for the same
// session cookie the QR and password sign-ins give. Outside DingTalk nothing happens here.
import { dingtalkAuthCode, inDingTalk } from './checkin/dingtalk.ts';

/** Set once 免登 failed in this page load, so the login page shows why and never loops. */
let failed = false;

export const dingtalkSignInFailed = () => failed;

/** After signing out, stay out (the login page offers the other ways in). */
export const stopDingTalkSignIn = () => {
  failed = true;
};

/** The signed-in identity, or null outside DingTalk or after a failed attempt. */
export async function signInInsideDingTalk<T>(): Promise<T | null> {
  if (failed || !inDingTalk()) return null;
  try {
    const authCode = await dingtalkAuthCode();
    const res = await fetch('/api/auth/dingtalk/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authCode }),
    });
    if (!res.ok) throw new Error(`DingTalk sign-in refused (${res.status})`);
    return (await res.json()) as T;
  } catch (err) {
    failed = true;
    console.warn(err);
    return null;
  }
}
