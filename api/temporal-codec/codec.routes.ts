// The Temporal codec server protocol (POST /decode with proto3-JSON payloads) over the payload
// codec, so the Temporal Web UI and `temporal workflow show --codec-endpoint` can show what the
// histories hold in ciphertext. Only company-wide HR (or the operator key) may: any workflow's
// payloads can carry anyone's answers. Every call is audited.
import type { Payload } from '@temporalio/common';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../../config/logger.ts';
import type { DB } from '../../db/connect.ts';
import { keyringOf } from '../../db/sealed-fields.ts';
import { FieldKeyringCodec } from '../../platform/payload-codec.ts';
import { CiphertextError } from '../../security/field-crypto.ts';
import { auditTrail, noteAudit } from '../audit/audit-trail.ts';
import { authenticate, type AuthenticateDeps } from '../auth/authenticate.ts';
import { authorize } from '../auth/permissions.ts';
import { AppError } from '../http/errors.ts';
import { strictCors } from '../http/security.ts';
import { cleanBody, noStore } from '../http/input-rules.ts';
import { endpoint } from '../http/contract.ts';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 expected');
const body = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).default({}), data: base64.optional() }))
    .max(1000),
});
type JsonPayload = z.infer<typeof body>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  ...(p.data ? { data: Buffer.from(p.data).toString('base64') } : {}),
});

export interface CodecDeps {
  db: DB;
  logger: Logger;
  auth: Omit<AuthenticateDeps, 'csrf'>;
  /** browser origins of the Temporal Web UI (the CLI needs none) */
  uiOrigins: readonly string[];
}

export function temporalCodecRoutes(deps: CodecDeps): Router {
  const codec = new FieldKeyringCodec(keyringOf(deps.db));
  const r = Router();
  // Mounted before the API's own CORS: the Temporal UI is another origin, and it sends the admin
  // session cookie only when its "include cross-origin credentials" setting is on.
  r.use(
    strictCors(deps.uiOrigins, {
      allowedHeaders: ['content-type', 'x-namespace', 'authorization', 'x-admin-token'],
      methods: ['POST'],
    }),
  );
  r.use(
    // audited first, so a refused body is on record too
    noStore(),
    auditTrail(deps.db, deps.logger),
    express.json({ limit: '1mb' }),
    cleanBody(),
  );
  r.post(
    ['/decode', '/:namespace/decode'],
    (req, _res, next) => {
      // named before authorizing, so a refused caller's row says what was tried
      const fromPath = req.params.namespace;
      const namespace = typeof fromPath === 'string' ? fromPath : req.header('x-namespace');
      noteAudit(req, {
        action: 'temporal.decode',
        targetType: 'namespace',
        ...(namespace ? { targetId: namespace } : {}),
      });
      next();
    },
    authenticate({ ...deps.auth, csrf: false }),
    authorize('workflows:decode'),
    endpoint(
      {
        summary: "The Temporal Web UI's and CLI's payload codec: decode sealed workflow payloads",
        tag: 'temporal-codec',
        body,
        response: {
          description: '{ payloads }: the decoded payloads, in order',
          schema: z.strictObject({
            payloads: z.array(
              z.strictObject({ metadata: z.record(z.string(), base64), data: base64.optional() }),
            ),
          }),
        },
      },
      async (req, res, { body: { payloads } }) => {
        noteAudit(req, { detail: { payloads: payloads.length } });
        try {
          const decoded = await codec.decode(payloads.map(fromJson));
          res.json({ payloads: decoded.map(toJson) });
        } catch (err) {
          if (err instanceof CiphertextError)
            throw new AppError('validation_failed', 400, `A payload cannot be decoded: ${err.message}`);
          throw err;
        }
      },
    ),
  );
  return r;
}
