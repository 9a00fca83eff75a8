// Encrypts every Temporal payload (workflow inputs, signals, Update arguments such as a reviewer's
// comment, activity results) with the field-encryption keyring before it leaves the process, so the
// Temporal server's history holds ciphertext only. Payloads written before this codec (no
// `binary/encrypted` encoding) are passed through, so old histories still replay.
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import protoPkg from '@temporalio/proto';
import type { FieldKeyring } from '../security/field-crypto.ts';

const ProtoPayload = protoPkg.temporal.api.common.v1.Payload;
const ENCODING = 'binary/encrypted';
const AAD = 'temporal.payload';
const text = new TextEncoder();
const untext = new TextDecoder();

export class FieldKeyringCodec implements PayloadCodec {
  constructor(private readonly keyring: FieldKeyring) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    const k = this.keyring;
    return Promise.resolve(
      payloads.map((p) => ({
        metadata: { encoding: text.encode(ENCODING), 'encryption-key-id': text.encode(k.activeKeyId) },
        data: k.encryptBytes(ProtoPayload.encode(p).finish(), AAD),
      })),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    const k = this.keyring;
    return Promise.resolve(
      payloads.map((p) => {
        const encoding = p.metadata?.encoding;
        if (!encoding || untext.decode(encoding) !== ENCODING || !p.data) return p;
        return ProtoPayload.decode(k.decryptBytes(p.data, AAD));
      }),
    );
  }
}

/** The data converter every client, worker and replay in this project uses (the process's keyring). */
export const createDataConverter = (keyring: FieldKeyring): DataConverter => ({
  payloadCodecs: [new FieldKeyringCodec(keyring)],
});
