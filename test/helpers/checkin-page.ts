// Helpers for the employee page's tests: the browser, signed links as the messages carry them,
// publishing a form with location and photo fields, and an image too big to upload as it is.
import { crc32, deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { checkinLink } from '../../activities/reminders/messages.ts';
import { defaultForm } from '../../domain/forms/default-form.ts';
import type { FormDefinition, FieldDefinition } from '../../domain/forms/form-definition.ts';
import { signLinkToken } from '../../platform/link-token.ts';
import type { TestContext, TestEmployee } from './context.ts';

export { launchBrowser, shots } from './browser.ts';

/** The link a per-person message carries, pointed at `base` (the API or a proxy in front of it). */
export async function signedLink(ctx: TestContext, e: TestEmployee, base = ctx.apiUrl): Promise<string> {
  const workDate = (await ctx.schedule(1)).workDate;
  return checkinLink(base, workDate, signLinkToken(ctx.config.api.sessionSecret, e.id, workDate));
}

/** An optional photo field (the health-code screenshot), answered as `{ photoId }`. */
export const codePhotoField: FieldDefinition = {
  key: 'codePhoto',
  type: 'photo',
  required: false,
  label: { zh: '健康码截图', en: 'Health code screenshot' },
};

/** Publishes the default form plus `fields`; the new version's number. */
export async function publishFormWith(ctx: TestContext, ...fields: FieldDefinition[]): Promise<number> {
  const form: FormDefinition = structuredClone(defaultForm);
  form.fields.push(...fields);
  const draft = await ctx.admin('POST', '/api/forms', { definition: form });
  const version = draft.body.version as number;
  const published = await ctx.admin('POST', `/api/forms/${version}/publish`);
  if (published.status !== 200) throw new Error(`publish failed: ${JSON.stringify(published.body)}`);
  return version;
}

/** Publishes the default form plus a location field and an optional health-code photo. */
export async function publishFormWithLocationAndPhoto(ctx: TestContext): Promise<void> {
  await publishFormWith(
    ctx,
    { key: 'location', type: 'location', required: true, label: { zh: '当前位置', en: 'Location' } },
    codePhotoField,
  );
}

/** A PNG of random pixels (incompressible): `size`² pixels is about 3·size² bytes. */
export function noisePng(size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.concat(
    Array.from({ length: size }, () => Buffer.concat([Buffer.from([0]), randomBytes(size * 3)])),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
