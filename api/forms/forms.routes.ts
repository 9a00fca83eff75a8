// Form versions: list, read, create and edit drafts, publish. Behind the admin token until roles land.
import { Router } from 'express';
import { z } from 'zod';
import { formDefinitionSchema } from '../../domain/forms/form-definition.ts';
import type { DB } from '../../db/connect.ts';
import {
  findFormVersion,
  getPublishedForm,
  insertDraft,
  listFormVersions,
  publishDraft,
  updateDraft,
} from '../../db/repositories/forms.ts';
import { conflict, notFound } from '../http/errors.ts';
import { parse, route } from '../http/middleware.ts';

const draftSchema = z
  .object({ definition: formDefinitionSchema, note: z.string().max(200).optional() })
  .strict();
const versionParam = z.object({ version: z.coerce.number().int().positive() });

export function formRoutes(deps: { db: DB }): Router {
  const r = Router();
  r.get(
    '/',
    route(async (_req, res) => {
      await getPublishedForm(deps.db);
      res.json(await listFormVersions(deps.db));
    }),
  );
  r.get(
    '/current',
    route(async (_req, res) => {
      res.json(await getPublishedForm(deps.db));
    }),
  );
  r.get(
    '/:version',
    route(async (req, res) => {
      const { version } = parse(versionParam, req.params, 'path');
      const form = await findFormVersion(deps.db, version);
      if (!form) throw notFound('Form version');
      res.json(form);
    }),
  );
  r.post(
    '/',
    route(async (req, res) => {
      const body = parse(draftSchema, req.body);
      res.status(201).json(await insertDraft(deps.db, body.definition, body.note ?? null));
    }),
  );
  r.put(
    '/:version',
    route(async (req, res) => {
      const { version } = parse(versionParam, req.params, 'path');
      const body = parse(draftSchema, req.body);
      const updated = await updateDraft(deps.db, version, body.definition, body.note ?? null);
      if (!updated)
        throw (await findFormVersion(deps.db, version))
          ? conflict('Only drafts can be edited')
          : notFound('Form version');
      res.json(updated);
    }),
  );
  r.post(
    '/:version/publish',
    route(async (req, res) => {
      const { version } = parse(versionParam, req.params, 'path');
      const published = await publishDraft(deps.db, version);
      if (!published)
        throw (await findFormVersion(deps.db, version))
          ? conflict('Only drafts can be published')
          : notFound('Form version');
      res.json(published);
    }),
  );
  return r;
}
