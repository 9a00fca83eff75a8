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
import { parse, route } from '../http/middleware.ts';
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
    route(async (_req, res) => {
      const [rows, counts] = await Promise.all([listNotices(db), answerCounts(db)]);
      res.setHeader('x-total-count', String(rows.length));
      const none = { acknowledged: 0, consented: 0, withdrawn: 0 };
      res.json(rows.map((n) => ({ id: n.version, ...n, answers: counts.get(n.version) ?? none })));
    }),
  );
  r.get(
    '/:version',
    route(async (req, res) => {
      const { version } = parse(versionParam, req.params, 'path');
      const notice = await findNotice(db, version);
      if (!notice) throw notFound('Privacy notice');
      res.json({ id: notice.version, ...notice, view: await noticeView(db, notice, deps.retention) });
    }),
  );
  r.post(
    '/',
    route(async (req, res) => {
      const body = parse(draftSchema, req.body);
      const row = await insertNoticeDraft(db, body, principalOf(req).actor);
      res.status(201).json({ id: row.version, ...row });
    }),
  );
  r.put(
    '/:version',
    route(async (req, res) => {
      const { version } = parse(versionParam, req.params, 'path');
      const body = parse(draftSchema, req.body);
      const row = await updateNoticeDraft(db, version, body);
      if (!row) throw (await findNotice(db, version)) ? notDraft(version) : notFound('Privacy notice');
      res.json({ id: row.version, ...row });
    }),
  );
  r.post(
    '/:version/publish',
    route(async (req, res) => {
      const { version } = parse(versionParam, req.params, 'path');
      const row = await publishNotice(db, version);
      if (!row) throw (await findNotice(db, version)) ? notDraft(version) : notFound('Privacy notice');
      res.json({ id: row.version, ...row });
    }),
  );
  return r;
}
