// The employee's privacy: the company's notice and their answer to it (acknowledge, consent,
// withdraw), and "我的数据": their records and reviews, a download of everything held about them,
// and who read their health answers. Mounted under /api/me (the employee's own session only).
import { retentionDays } from '../../domain/privacy/minimisation.ts';
import { getPrivacySettingsCached } from '../../db/repositories/privacy-settings.ts';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { noticeFields, noticeNeeded } from '../../domain/privacy/consent.ts';
import type { DB } from '../../db/connect.ts';
import { getPublishedFormCached } from '../../db/repositories/forms.ts';
import { accessHistory, myOtherData, myRecords, myReviews } from '../../db/repositories/my-data.ts';
import { findDepartmentName, findEmployeeById } from '../../db/repositories/org.ts';
import {
  consentHistory,
  findPublishedNotice,
  getPublishedNoticeCached,
  type NoticeRow,
} from '../../db/repositories/privacy.ts';
import { noteAudit } from '../audit/audit-trail.ts';
import { attachmentDisposition } from '../exports/content-disposition.ts';
import { notFound } from '../http/errors.ts';
import { endpoint } from '../http/contract.ts';
import { myDataSchema, myPrivacySchema, myReadersSchema, storedAnswerSchema } from './privacy.schemas.ts';
import { myDataWorkbook } from './my-data-export.ts';
import { answerNotice, type PrivacyDeps } from './privacy.service.ts';

export interface MePrivacyDeps extends PrivacyDeps {
  retention: { recordDays: number; auditDays: number };
}

const answerSchema = z
  .object({
    version: z.number().int().positive(),
    action: z.enum(['acknowledged', 'consented', 'withdrawn']),
  })
  .strict();

const exportQuery = z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict();

/** What is in force per data class: the company's privacy settings, else the configured defaults. */
async function noticeRetention(db: DB, defaults: MePrivacyDeps['retention']) {
  const days = retentionDays(await getPrivacySettingsCached(db), defaults);
  return {
    recordDays: days.records,
    photoDays: days.photos,
    locationDays: days.locations,
    auditDays: days.audit,
  };
}

/** The notice as the page shows it: the admin's texts plus the form's fields and the retention. */
export async function noticeView(db: DB, notice: NoticeRow, retention: MePrivacyDeps['retention']) {
  const form = await getPublishedFormCached(db);
  return {
    version: notice.version,
    legalBasis: notice.legal_basis,
    publishedAt: notice.published_at,
    text: notice.content,
    fields: noticeFields(form.definition.fields),
    retention: await noticeRetention(db, retention),
    showReaderNames: notice.show_reader_names,
  };
}

export function mePrivacyRoutes(deps: MePrivacyDeps): Router {
  const r = Router();
  const { db } = deps;

  r.get(
    '/privacy',
    endpoint(
      {
        summary:
          "The company's privacy notice, what the employee must still answer, and their answers so far",
        response: {
          description: '{ notice, needed, state, stateVersion, history }',
          schema: myPrivacySchema,
        },
      },
      async (req, res) => {
        const employee = await findEmployeeById(db, req.employeeId as number);
        if (!employee) throw notFound('Employee');
        const notice = await findPublishedNotice(db);
        res.json({
          notice: notice ? await noticeView(db, notice, deps.retention) : null,
          needed: noticeNeeded(notice, employee),
          state: employee.privacy_state,
          stateVersion: employee.privacy_version,
          history: await consentHistory(db, employee.id),
        });
      },
    ),
  );

  r.post(
    '/privacy/answers',
    endpoint(
      {
        summary: 'Acknowledge, consent to or withdraw consent from a privacy notice version',
        body: answerSchema,
        errors: ['not_found', 'conflict'],
        response: { status: 201, description: 'The stored answer', schema: storedAnswerSchema },
      },
      async (req, res, { body }) => {
        noteAudit(req, {
          action: `privacy.${body.action}`,
          targetType: 'privacy_notice',
          targetId: body.version,
        });
        const row = await answerNotice(deps, {
          employeeId: req.employeeId as number,
          version: body.version,
          action: body.action,
          ip: req.ip ?? null,
          userAgent: req.header('user-agent') ?? null,
        });
        res.status(201).json(row);
      },
    ),
  );

  r.get(
    '/data',
    endpoint(
      {
        summary: '我的数据: the employee’s own records and reviews',
        response: { description: '{ records, reviews }', schema: myDataSchema },
      },
      async (req, res) => {
        const employeeId = req.employeeId as number;
        const [records, reviews] = await Promise.all([myRecords(db, employeeId), myReviews(db, employeeId)]);
        res.json({ records, reviews });
      },
    ),
  );

  r.get(
    '/data/access',
    endpoint(
      {
        summary: 'Who read the employee’s health answers (role, department; names only if the notice allows)',
        response: { description: '{ items }', schema: myReadersSchema },
      },
      async (req, res) => {
        res.json({ items: await readersOf(req) });
      },
    ),
  );

  r.get(
    '/data/export',
    endpoint(
      {
        summary: 'Download everything held about the employee (JSON or Excel)',
        query: exportQuery,
        response: {
          description: 'The file (an attachment): JSON, or with format=xlsx an Excel workbook',
          contentType: [
            'application/json',
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          ],
          headers: { 'Content-Disposition': 'attachment: 我的数据-<date>.json or .xlsx' },
        },
      },
      async (req, res, { query: { format } }) => {
        const employeeId = req.employeeId as number;
        noteAudit(req, {
          action: 'me.data.export',
          targetType: 'employee',
          targetId: employeeId,
          detail: { format },
        });
        const data = await everythingAbout(req);
        const stamp = data.exportedAt.slice(0, 10);
        if (format === 'json') {
          res.setHeader(
            'content-disposition',
            attachmentDisposition(`我的数据-${stamp}.json`, `my-data-${stamp}.json`),
          );
          res.type('application/json').send(JSON.stringify(data, null, 2));
          return;
        }
        res.setHeader(
          'content-disposition',
          attachmentDisposition(`我的数据-${stamp}.xlsx`, `my-data-${stamp}.xlsx`),
        );
        res
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .send(await myDataWorkbook(data));
      },
    ),
  );

  /** The access history as the employee sees it: role and department, the name only if allowed. */
  async function readersOf(req: Request) {
    const employeeId = req.employeeId as number;
    const [rows, notice] = await Promise.all([accessHistory(db, employeeId), getPublishedNoticeCached(db)]);
    const names = notice?.show_reader_names === true;
    return rows.map((a) => {
      const staffRoles = a.actor_roles.filter((r) => r !== 'employee');
      return {
        at: a.at,
        action: a.action,
        roles: staffRoles.length ? staffRoles : ['staff'],
        department: a.reader_department,
        name: names ? (a.reader_name ?? a.actor.replace(/^account:/, '')) : null,
      };
    });
  }

  async function everythingAbout(req: Request) {
    const employeeId = req.employeeId as number;
    const employee = await findEmployeeById(db, employeeId);
    if (!employee) throw notFound('Employee');
    const [department, records, reviews, other, consents, readers] = await Promise.all([
      findDepartmentName(db, employee.department_id),
      myRecords(db, employeeId),
      myReviews(db, employeeId),
      myOtherData(db, employeeId),
      consentHistory(db, employeeId),
      readersOf(req),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      employee: {
        id: employee.id,
        name: employee.name,
        dingtalkUserId: employee.dingtalk_user_id,
        dingtalkUnionId: employee.dingtalk_union_id,
        department: department?.name ?? null,
        mobile: employee.mobile,
        active: employee.active,
        workdays: employee.workdays,
        timeZone: employee.time_zone,
        createdAt: employee.created_at,
        privacyVersion: employee.privacy_version,
        privacyState: employee.privacy_state,
      },
      records,
      reviews,
      days: other.days,
      reminders: other.reminders,
      leaves: other.leaves,
      photos: other.attachments,
      privacyAnswers: consents,
      readers,
      ownActions: other.ownActions,
    };
  }

  return r;
}
