// Photo uploads by the employee (raw image body) and the admin's read of a record's photo.
import express, { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import { readAttachment, saveAttachment } from '../../db/repositories/attachments.ts';
import { AppError, notFound, photoRemoved } from '../http/errors.ts';
import { isRemovedByRetention, photoIdOf } from '../../domain/privacy/minimisation.ts';
import { findRecordById } from '../../db/repositories/records.ts';
import { auditRead } from '../audit/audit-trail.ts';
import { inScopeOf, scopeOf } from '../auth/permissions.ts';
import { isUuid, MAX_IMAGE_BYTES, sniffImageType } from './image-upload.ts';
import { endpoint } from '../http/contract.ts';

const tooLarge = () =>
  new AppError('payload_too_large', 413, `The image exceeds ${MAX_IMAGE_BYTES / 1024} KB; shrink it first`);

/** POST /api/me/attachments: the body is the image itself (jpeg, png or webp, ≤ 300 KB). */
export function attachmentUploadRoutes(deps: { db: DB }): Router {
  const r = Router();
  const raw = express.raw({ type: () => true, limit: MAX_IMAGE_BYTES });
  const sizeError: ErrorRequestHandler = (err: { type?: string }, _req, _res, next) =>
    next(err.type === 'entity.too.large' ? tooLarge() : err);
  r.post(
    '/attachments',
    raw,
    sizeError,
    endpoint(
      {
        summary: 'Upload a photo for a check-in answer (the body is the image: JPEG, PNG or WebP)',
        // the bytes are checked by sniffing below
        rawBody: {
          types: ['image/jpeg', 'image/png', 'image/webp'],
          description: 'the image, at most 300 KB',
        },
        response: {
          status: 201,
          description: '{ id, contentType, sizeBytes }: reference id as photoId',
          schema: z.strictObject({
            id: z.uuid().meta({ description: "the photo's id: the answer's photoId" }),
            contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
            sizeBytes: z.number().int().positive(),
          }),
        },
        errors: ['payload_too_large'],
      },
      async (req, res) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (bytes.length > MAX_IMAGE_BYTES) throw tooLarge();
        const contentType = sniffImageType(bytes);
        if (!contentType) {
          throw new AppError('validation_failed', 400, 'The body is not a JPEG, PNG or WebP image', [
            { field: 'body', message: 'not a JPEG, PNG or WebP image', code: 'not_an_image' },
          ]);
        }
        const saved = await saveAttachment(deps.db, {
          employeeId: req.employeeId as number,
          contentType,
          bytes,
        });
        res.status(201).json({ id: saved.id, contentType, sizeBytes: saved.sizeBytes });
      },
    ),
  );
  return r;
}

const params = z.object({
  id: z.coerce.number().int().positive(),
  attachmentId: z.string().refine(isUuid, 'not an attachment id'),
});

/**
 * GET /api/records/:id/attachments/:attachmentId: only a photo the record's answers reference. A
 * photo the retention policy removed answers 410 photo_removed: the answer marked so by the
 * retention run, or still named by a record while its image is gone (a photo another day's record
 * sent again); never a broken image or a 500.
 */
export function attachmentReadRoutes(deps: { db: DB }): Router {
  const r = Router();
  r.get(
    '/:id/attachments/:attachmentId',
    auditRead('attachments.read', 'health_record'),
    endpoint(
      {
        summary: "A photo a record's answers reference",
        params,
        response: { description: 'The image', contentType: ['image/jpeg', 'image/png', 'image/webp'] },
        errors: ['photo_removed'],
      },
      async (req, res, { params: { id, attachmentId } }) => {
        const record = await findRecordById(deps.db, id);
        if (!record || !inScopeOf(scopeOf(req), record.department_id)) throw notFound('Attachment');
        const answer = Object.values(record.answers).find((v) => photoIdOf(v) === attachmentId);
        if (answer === undefined) throw notFound('Attachment');
        if (isRemovedByRetention(answer)) throw photoRemoved();
        const a = await readAttachment(deps.db, record.employee_id, attachmentId);
        if (!a) throw photoRemoved();
        res
          .type(a.content_type)
          .setHeader('cache-control', 'private, no-store')
          .setHeader('x-content-type-options', 'nosniff')
          .send(a.bytes);
      },
    ),
  );
  return r;
}
