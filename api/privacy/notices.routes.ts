// The company's privacy notice, in versions an admin edits in the console: drafts are edited,
// publishing one retires the current version and makes everyone be asked again.
import { Router } from 'express';
import { z } from 'zod';
import type { DB } from '../../db/connect.ts';
import {
  answerCounts,
  findNotice,
  insertNoticeDraft,
  listNotices,
  publishNotice,
  updateNoticeDraft,
} from '../../db/repositories/privacy.ts';
import { principalOf } from '../auth/permissions.ts';
import { AppError, notFound } from '../http/errors.ts';
import { endpoint } from '../http/contract.ts';
import { noticeDetailSchema, noticeListItemSchema, noticeSchema } from './privacy.schemas.ts';
import { noticeView, type MePrivacyDeps } from './me-privacy.routes.ts';

const longText = z.string().trim().min(1).max(4000);
const noticeText = z
  .object({
    purpose: longText,
    audience: longText,
    processors: longText,
    rights: longText,
    contact: longText,
  })
  .strict();
const draftSchema = z
  .object({
    legalBasis: z.enum(['consent', 'hr_management']),
    content: z.object({ zh: noticeText, en: noticeText }).strict(),
    showReaderNames: z.boolean().default(false),
  })
  .strict();
const versionParam = z.object({ version: z.coerce.number().int().positive().max(2_000_000_000) });

const notDraft = (version: number) =>
  new AppError('conflict', 409, `Notice version ${version} is not a draft: published versions never change`, [
    {
      field: 'version',
      code: 'notice_not_draft',
      message: 'only a draft can be edited or published',
      params: { version },
    },
  ]);

export function noticeRoutes(deps: { db: DB; retention: MePrivacyDeps['retention'] }): Router {
  const r = Router();
  const { db } = deps;
  r.get(
    '/',
    endpoint(
      {
        summary: 'List privacy notice versions with answer counts',
        response: {
          description: 'The notices, newest first',
          schema: z.array(noticeListItemSchema),
          headers: { 'X-Total-Count': 'how many notices there are' },
        },
      },
      async (_req, res) => {
        const [rows, counts] = await Promise.all([listNotices(db), answerCounts(db)]);
        res.setHeader('x-total-count', String(rows.length));
        const none = { acknowledged: 0, consented: 0, withdrawn: 0 };
        res.json(rows.map((n) => ({ id: n.version, ...n, answers: counts.get(n.version) ?? none })));
      },
    ),
  );
  r.get(
    '/:version',
    endpoint(
      {
        summary: 'One privacy notice version, with the page view',
        params: versionParam,
        response: { description: 'The notice and `view`', schema: noticeDetailSchema },
      },
      async (_req, res, { params: { version } }) => {
        const notice = await findNotice(db, version);
        if (!notice) throw notFound('Privacy notice');
        res.json({ id: notice.version, ...notice, view: await noticeView(db, notice, deps.retention) });
      },
    ),
  );
  r.post(
    '/',
    endpoint(
      {
        summary: 'Create a privacy notice draft',
        body: draftSchema,
        response: { status: 201, description: 'The draft', schema: noticeSchema },
      },
      async (req, res, { body }) => {
        const row = await insertNoticeDraft(db, body, principalOf(req).actor);
        res.status(201).json({ id: row.version, ...row });
      },
    ),
  );
  r.put(
    '/:version',
    endpoint(
      {
        summary: 'Edit a privacy notice draft',
        params: versionParam,
        body: draftSchema,
        errors: ['not_found', 'conflict'],
        response: { description: 'The draft', schema: noticeSchema },
      },
      async (_req, res, { params: { version }, body }) => {
        const row = await updateNoticeDraft(db, version, body);
        if (!row) throw (await findNotice(db, version)) ? notDraft(version) : notFound('Privacy notice');
        res.json({ id: row.version, ...row });
      },
    ),
  );
  r.post(
    '/:version/publish',
    endpoint(
      {
        summary: 'Publish a privacy notice draft (it takes effect now)',
        params: versionParam,
        errors: ['not_found', 'conflict'],
        response: { description: 'The published notice', schema: noticeSchema },
      },
      async (_req, res, { params: { version } }) => {
        const row = await publishNotice(db, version);
        if (!row) throw (await findNotice(db, version)) ? notDraft(version) : notFound('Privacy notice');
        res.json({ id: row.version, ...row });
      },
    ),
  );
  return r;
}
