// The custom robot's "加签" security setting: HMAC-SHA256 over "timestamp\nsecret", base64.
import { createHmac } from 'node:crypto';

export function robotSignature(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}
