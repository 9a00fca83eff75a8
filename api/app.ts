// The Express application: thin routes over services, one error handler.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import express from 'express';
import type { AppConfig } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import type { DingTalkApi } from '../dingtalk/types.ts';
import { adminRoutes, requireAdminToken } from './admin/admin.routes.ts';
import { authRoutes, requireEmployee } from './auth/auth.routes.ts';
import { checkinRoutes } from './checkins/checkins.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { notFound } from './http/errors.ts';
import { adminDataRoutes } from './admin-data/resources.routes.ts';
import { calendarRoutes } from './calendar/calendar.routes.ts';
import { dashboardRoutes } from './dashboard/dashboard.routes.ts';
import { employeeImportRoutes } from './employees/employee-import.routes.ts';
import { exportRoutes } from './exports/exports.routes.ts';
import { formRoutes } from './forms/forms.routes.ts';
import { policyRoutes } from './policy/policy.routes.ts';
import { recordRoutes } from './records/records.routes.ts';
import { reviewDecisionRoutes, reviewReadRoutes } from './reviews/reviews.routes.ts';
import { errorHandler, requestContext } from './http/middleware.ts';

export interface ApiDeps {
  db: DB;
  temporal: Client;
  dingtalk: DingTalkApi;
  config: AppConfig;
  logger: Logger;
  /** how long a submission waits for Temporal before leaving the signal to the outbox */
  signalTimeoutMs?: number;
}

const adminUiDist = fileURLToPath(new URL('../admin-ui/dist', import.meta.url));
const checkinPage = readFileSync(new URL('./checkin-page/checkin-page.html', import.meta.url), 'utf8');

export function createApp(deps: ApiDeps): express.Express {
  const { db, temporal, dingtalk, config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestContext(logger));
  app.use(express.json({ limit: '500kb' }));

  app.use(healthRoutes({ db, temporal }));
  // The admin UI, built by Vite into admin-ui/dist (npm start builds it when missing).
  app.use('/admin', express.static(adminUiDist, { index: 'index.html', maxAge: '1h' }));
  app.get('/checkin', (_req, res) => {
    res.type('html').send(checkinPage);
  });
  app.use('/api/auth', authRoutes({ db, dingtalk, sessionSecret: config.api.sessionSecret }));
  app.use(
    '/api/me',
    requireEmployee({ db, sessionSecret: config.api.sessionSecret }),
    checkinRoutes({
      db,
      temporal,
      taskQueue: config.temporal.taskQueue,
      logger,
      signalTimeoutMs: deps.signalTimeoutMs ?? 3000,
    }),
  );
  const employeeAuth = requireEmployee({ db, sessionSecret: config.api.sessionSecret });
  const adminAuth = requireAdminToken(config.api.adminToken);
  app.use('/api/reviews', reviewDecisionRoutes({ db, temporal, auth: employeeAuth }));
  app.use(
    '/api/ra',
    adminAuth,
    adminDataRoutes({ db, temporal, taskQueue: config.temporal.taskQueue, logger }),
  );
  app.use('/api/dashboard', adminAuth, dashboardRoutes({ db }));
  app.use('/api/employees', adminAuth, employeeImportRoutes({ db }));
  app.use('/api/reviews', adminAuth, reviewReadRoutes({ db }));
  app.use('/api/forms', adminAuth, formRoutes({ db }));
  app.use('/api/records', adminAuth, recordRoutes({ db }));
  app.use(
    '/api/exports',
    adminAuth,
    exportRoutes({
      db,
      logger,
      temporal,
      taskQueue: config.temporal.taskQueue,
      exportDir: config.exports.dir,
      syncMaxRecords: config.exports.syncMaxRecords,
    }),
  );
  app.use(['/api/calendar', '/api/leaves', '/api/policy', '/api/departments', '/api/employees'], adminAuth);
  app.use('/api', calendarRoutes({ db, temporal, taskQueue: config.temporal.taskQueue, logger }));
  app.use('/api', policyRoutes({ db }));
  app.use(
    '/api/admin',
    requireAdminToken(config.api.adminToken),
    adminRoutes({ temporal, taskQueue: config.temporal.taskQueue }),
  );
  app.use((req, _res, next) => next(notFound(`Route ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}
