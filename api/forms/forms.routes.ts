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
import { endpoint } from '../http/contract.ts';
import { formVersionSchema } from './forms.schemas.ts';

export const draftSchema = z
  .object({ definition: formDefinitionSchema, note: z.string().max(200).optional() })
  .strict();
const versionParam = z.object({ version: z.coerce.number().int().positive() });

export function formRoutes(deps: { db: DB }): Router {
  const r = Router();
  r.get(
    '/',
    endpoint(
      {
        summary: 'Every form version (drafts and published)',
        response: { description: 'Form versions, newest first', schema: z.array(formVersionSchema) },
      },
      async (_req, res) => {
        await getPublishedForm(deps.db);
        res.json(await listFormVersions(deps.db));
      },
    ),
  );
  r.get(
    '/current',
    endpoint(
      {
        summary: 'The published form',
        response: { description: 'The form version in use', schema: formVersionSchema },
      },
      async (_req, res) => {
        res.json(await getPublishedForm(deps.db));
      },
    ),
  );
  r.get(
    '/:version',
    endpoint(
      {
        summary: 'One form version',
        params: versionParam,
        response: { description: 'The form version', schema: formVersionSchema },
      },
      async (_req, res, { params: { version } }) => {
        const form = await findFormVersion(deps.db, version);
        if (!form) throw notFound('Form version');
        res.json(form);
      },
    ),
  );
  r.post(
    '/',
    endpoint(
      {
        summary: 'Create a draft form version',
        body: draftSchema,
        response: { status: 201, description: 'The new draft', schema: formVersionSchema },
      },
      async (_req, res, { body }) => {
        res.status(201).json(await insertDraft(deps.db, body.definition, body.note ?? null));
      },
    ),
  );
  r.put(
    '/:version',
    endpoint(
      {
        summary: 'Edit a draft form version (published ones are frozen)',
        params: versionParam,
        body: draftSchema,
        response: { description: 'The edited draft', schema: formVersionSchema },
        errors: ['conflict'],
      },
      async (_req, res, { params: { version }, body }) => {
        const updated = await updateDraft(deps.db, version, body.definition, body.note ?? null);
        if (!updated)
          throw (await findFormVersion(deps.db, version))
            ? conflict('Only drafts can be edited')
            : notFound('Form version');
        res.json(updated);
      },
    ),
  );
  r.post(
    '/:version/publish',
    endpoint(
      {
        summary: 'Publish a draft: it becomes the form employees fill in',
        params: versionParam,
        response: { description: 'The published version', schema: formVersionSchema },
        errors: ['conflict'],
      },
      async (_req, res, { params: { version } }) => {
        const published = await publishDraft(deps.db, version);
        if (!published)
          throw (await findFormVersion(deps.db, version))
            ? conflict('Only drafts can be published')
            : notFound('Form version');
        res.json(published);
      },
    ),
  );
  return r;
}
