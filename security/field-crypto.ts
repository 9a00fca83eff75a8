// Field encryption at rest: AES-256-GCM (node:crypto) under a keyring from configuration.
//
// A text ciphertext is self-describing: `hc1.<kid>.<iv>.<tag>.<ct>` (base64url parts, 12-byte random
// IV, 16-byte tag). The bytes form (photos) carries the same parts in binary: "hc1", the kid's length
// and the kid, IV, tag, ciphertext. Every ciphertext is bound to associated data naming the column
// it belongs to (e.g. `health_records.answers`), so one copied into another column is refused, and
// anything tampered with, truncated or sealed under an unknown key throws CiphertextError — never
// garbage.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'hc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const FIELD_KEY_BYTES = 32;
/** Key ids appear inside ciphertexts between dots and in configuration between `,` and `:`. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

export type CiphertextProblem = 'malformed' | 'unknown_key' | 'auth_failed' | 'not_encrypted';

/** Input that is not a ciphertext this keyring can open (tampered, truncated, unknown key, wrong column). */
export class CiphertextError extends Error {
  constructor(
    readonly problem: CiphertextProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CiphertextError';
  }
}

/** Keys by id and the one new ciphertexts use (what `config.fieldEncryption` holds). */
export interface FieldKeys {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

interface Parts {
  kid: string;
  iv: Buffer;
  tag: Buffer;
  ct: Buffer;
}

function parseText(ct: string): Parts {
  if (typeof ct !== 'string') throw new CiphertextError('malformed', 'ciphertext is not a string');
  const p = ct.split('.');
  if (p.length !== 5 || p[0] !== VERSION) {
    throw new CiphertextError('malformed', `not a ${VERSION} ciphertext`);
  }
  const [, kid = '', iv = '', tag = '', body = ''] = p;
  if (!KEY_ID_PATTERN.test(kid) || ![iv, tag, body].every((s) => B64URL.test(s))) {
    throw new CiphertextError('malformed', 'ciphertext has invalid characters');
  }
  return checked({
    kid,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ct: Buffer.from(body, 'base64url'),
  });
}

function parseBytes(data: Uint8Array): Parts {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const kidLength = b[3] ?? 0;
  const start = 4 + kidLength;
  if (b.length < start + IV_BYTES + TAG_BYTES || b.toString('latin1', 0, 3) !== VERSION) {
    throw new CiphertextError('malformed', `not a ${VERSION} ciphertext`);
  }
  const kid = b.toString('latin1', 4, start);
  if (!KEY_ID_PATTERN.test(kid)) throw new CiphertextError('malformed', 'ciphertext has an invalid key id');
  return {
    kid,
    iv: b.subarray(start, start + IV_BYTES),
    tag: b.subarray(start + IV_BYTES, start + IV_BYTES + TAG_BYTES),
    ct: b.subarray(start + IV_BYTES + TAG_BYTES),
  };
}

function checked(p: Parts): Parts {
  // GCM would accept a shorter IV or a truncated tag; insist on the lengths we write.
  if (p.iv.length !== IV_BYTES || p.tag.length !== TAG_BYTES) {
    throw new CiphertextError('malformed', 'ciphertext has a wrong IV or tag length');
  }
  return p;
}

/** The key id a ciphertext (text or bytes form) was sealed with. */
export function keyIdOf(ct: string | Uint8Array): string {
  return (typeof ct === 'string' ? parseText(ct) : parseBytes(ct)).kid;
}

/** Whether a value has the shape of a text ciphertext (says nothing about whether it opens). */
export function isCiphertext(v: unknown): v is string {
  if (typeof v !== 'string' || !v.startsWith(`${VERSION}.`)) return false;
  try {
    parseText(v);
    return true;
  } catch {
    return false;
  }
}

/** The GCM associated data: version and key id as well as the caller's context (the column). */
const associated = (kid: string, aad: string) => Buffer.from(`${VERSION}.${kid}.${aad}`, 'utf8');

export class FieldKeyring {
  readonly activeKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(config: FieldKeys) {
    for (const [kid, key] of config.keys) {
      if (!KEY_ID_PATTERN.test(kid)) throw new Error(`field encryption key id "${kid}" is invalid`);
      if (key.length !== FIELD_KEY_BYTES) throw new Error(`field encryption key "${kid}" is not 32 bytes`);
    }
    if (!config.keys.has(config.activeKeyId)) {
      throw new Error(`active field encryption key "${config.activeKeyId}" is not in the keyring`);
    }
    this.activeKeyId = config.activeKeyId;
    this.keys = new Map(config.keys);
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  private seal(plain: Buffer, aad: string): Parts {
    const kid = this.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(kid) as Buffer, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(associated(kid, aad));
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { kid, iv, tag: cipher.getAuthTag(), ct };
  }

  private open(p: Parts, aad: string): Buffer {
    const key = this.keys.get(p.kid);
    if (!key) throw new CiphertextError('unknown_key', `no field encryption key "${p.kid}" in the keyring`);
    const decipher = createDecipheriv('aes-256-gcm', key, p.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associated(p.kid, aad));
    decipher.setAuthTag(p.tag);
    try {
      return Buffer.concat([decipher.update(p.ct), decipher.final()]);
    } catch {
      throw new CiphertextError('auth_failed', `ciphertext for ${aad} failed authentication`);
    }
  }

  encryptText(plain: string, aad: string): string {
    const p = this.seal(Buffer.from(plain, 'utf8'), aad);
    return [VERSION, p.kid, ...[p.iv, p.tag, p.ct].map((b) => b.toString('base64url'))].join('.');
  }

  decryptText(ct: string, aad: string): string {
    return this.open(parseText(ct), aad).toString('utf8');
  }

  encryptJson(value: unknown, aad: string): string {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new TypeError(`cannot encrypt ${typeof value} as JSON`);
    return this.encryptText(json, aad);
  }

  decryptJson<T>(ct: string, aad: string): T {
    const text = this.decryptText(ct, aad);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CiphertextError('malformed', `ciphertext for ${aad} does not hold JSON`);
    }
  }

  encryptBytes(data: Uint8Array, aad: string): Buffer {
    const p = this.seal(Buffer.from(data.buffer, data.byteOffset, data.byteLength), aad);
    const kid = Buffer.from(p.kid, 'latin1');
    return Buffer.concat([Buffer.from(VERSION, 'latin1'), Buffer.from([kid.length]), kid, p.iv, p.tag, p.ct]);
  }

  decryptBytes(ct: Uint8Array, aad: string): Buffer {
    return this.open(parseBytes(ct), aad);
  }
}
