// The Express application: thin routes over services, one error handler.
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import express from 'express';
import type { AppConfig } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import type { DingTalkApi } from '../dingtalk/types.ts';
import { adminRoutes } from './admin/admin.routes.ts';
import { auditTrail } from './audit/audit-trail.ts';
import { authenticate } from './auth/authenticate.ts';
import { authorize, authorizeByMethod } from './auth/permissions.ts';
import { staffAuthRoutes } from './auth/staff-auth.routes.ts';
import { authFailureLimiter, limiter, securityHeaders, strictCors } from './http/security.ts';
import { authRoutes, requireEmployee } from './auth/auth.routes.ts';
import { attachmentReadRoutes, attachmentUploadRoutes } from './attachments/attachments.routes.ts';
import { adminUiFiles } from './checkin-page/built-assets.ts';
import { checkinPageRoutes } from './checkin-page/page.routes.ts';
import { admitSubmissions, SubmissionAdmission } from './checkins/admission.ts';
import { checkinRoutes } from './checkins/checkins.routes.ts';
import { companyClockRoutes } from './company/company-clock.routes.ts';
import { createIdentityChecks } from './checkins/identity-checks.ts';
import { proxyCheckin } from './checkins/proxy-checkins.routes.ts';
import { submissionPipeline } from './checkins/checkins.service.ts';
import { myPassRoutes, passVerifyRoutes } from './pass/pass.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { notFound } from './http/errors.ts';
import { adminDataRoutes } from './admin-data/resources.routes.ts';
import { calendarRoutes } from './calendar/calendar.routes.ts';
import { dashboardRoutes } from './dashboard/dashboard.routes.ts';
import { departmentImportRoutes } from './departments/department-import.routes.ts';
import { employeeImportRoutes } from './employees/employee-import.routes.ts';
import { exportRoutes } from './exports/exports.routes.ts';
import { formRoutes } from './forms/forms.routes.ts';
import { policyRoutes } from './policy/policy.routes.ts';
import { mePrivacyRoutes } from './privacy/me-privacy.routes.ts';
import { noticeRoutes } from './privacy/notices.routes.ts';
import { recordRoutes } from './records/records.routes.ts';
import { reviewDecisionRoutes } from './reviews/reviews.routes.ts';
import { errorHandler, requestContext } from './http/middleware.ts';
import { cleanBody, cleanRequestLine, noStore } from './http/input-rules.ts';
import { temporalCodecRoutes } from './temporal-codec/codec.routes.ts';
import { openApiRoutes, packageVersion } from './openapi/openapi.routes.ts';
import { documented } from './http/contract.ts';
import { httpMetrics, metricsHandler, submissionMetrics } from '../platform/metrics.ts';
import { httpTracing, httpTracingResume } from '../platform/tracing.ts';
import { dataRequestsResource, myDataRequestRoutes } from './data-requests/data-requests.routes.ts';
import { privacyRoutes } from './privacy/privacy.routes.ts';

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

export function createApp(deps: ApiDeps): express.Express {
  const { db, temporal, dingtalk, config, logger } = deps;
  const taskQueue = config.temporal.taskQueue;
  // Submissions are stored in groups and Temporal is told after their answer (batched under a rush).
  const signalTimeoutMs = deps.signalTimeoutMs ?? 3000;
  const { signals, writes } = submissionPipeline(
    { db, temporal, taskQueue, logger },
    {
      signalTimeoutMs,
      pump: config.outboxPump,
      groupCommitMax: config.submitGroupCommitMax,
      delivery: config.outboxDelivery,
    },
  );
  // the self check-in and the manager's 代填 store through the same pipeline
  const checkinDeps = { db, temporal, taskQueue, logger, signalTimeoutMs, signals, writes };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.api.trustProxy);
  app.use(requestContext(logger));
  // one histogram observation per request (by route template); a span per request when tracing is on
  app.use(httpMetrics(), httpTracing());
  // Outside production the app's own port answers /metrics (npm start, tests); in production only
  // the internal METRICS_PORT listener does (api/main.ts), never the public port.
  if (config.env !== 'production')
    app.get(
      '/metrics',
      documented(
        {
          summary: 'Prometheus metrics (outside production only; production serves them on METRICS_PORT)',
          tag: 'Metrics',
          access: 'public',
          response: { description: 'The Prometheus text exposition format', contentType: 'text/plain' },
        },
        (req, res, next) => metricsHandler(req, res, next),
      ),
    );
  app.use(securityHeaders());
  app.use(cleanRequestLine());
  const session = {
    secret: config.api.sessionSecret,
    ttlSeconds: config.auth.sessionTtlSeconds,
    maxSeconds: config.auth.sessionMaxSeconds,
    secure: config.api.publicBaseUrl.startsWith('https:'),
  };
  const auth = { db, session, operatorKey: config.api.adminToken };
  // Before the API's CORS: the Temporal Web UI calls it from its own origin.
  app.use('/temporal-codec', temporalCodecRoutes({ db, logger, auth, uiOrigins: config.temporal.uiOrigins }));
  app.use(strictCors(config.api.corsOrigins));
  // Submissions are counted, and refused with 503 over SUBMIT_MAX_IN_FLIGHT, before their body is
  // read, audited or authenticated: an overloaded process answers at once instead of queueing
  // (api/checkins/admission.ts). Only these two routes; reads, probes and admin routes never are.
  const submissionRoutes = ['/api/me/checkins', '/api/employees/:id/proxy-checkins'];
  app.post(
    submissionRoutes,
    submissionMetrics(),
    admitSubmissions(new SubmissionAdmission(config.submitMaxInFlight)),
  );
  // the body parser reads in the socket's async context: re-enter the request's span after it
  app.use(express.json({ limit: '500kb' }), httpTracingResume(), cleanBody());

  app.use(healthRoutes({ db, temporal, dingtalk: config.dingtalk }));
  // The admin UI, built by Vite into admin-ui/dist (npm start builds it when missing).
  app.use('/admin', adminUiFiles(adminUiDist));
  // The employee page, its service worker and the guard's pass page (same Vite build).
  app.use(checkinPageRoutes({ distDir: adminUiDist, corpId: config.dingtalk.corpId }));

  // the contract for integrators, generated from the routes below (public, not audited)
  app.use('/api', openApiRoutes({ app, version: packageVersion }));
  // the audit trail first, so requests refused while authenticating (bad token, no CSRF) are audited too
  app.use('/api', noStore(), auditTrail(db, logger), authenticate(auth));
  // Sign-in and 免登 are limited by what fails: refused credentials per IP (one counter for every
  // such route) and tokens per employee; the all-requests limits per IP are flood guards sized for
  // a whole office behind one NAT address (docs/security.md, "Rate limits").
  const authFailures = authFailureLimiter(config.auth.rateLimits.authFailuresPerIp);
  app.use(
    '/api/auth',
    staffAuthRoutes({
      db,
      dingtalk,
      session,
      publicBaseUrl: config.api.publicBaseUrl,
      dingtalkLoginUrl: config.dingtalk.loginUrl,
      dingtalkAppKey: config.dingtalk.appKey,
      rateLimits: config.auth.rateLimits,
      authFailures,
    }),
  );
  app.use(
    '/api/auth',
    authRoutes({
      db,
      dingtalk,
      sessionSecret: config.api.sessionSecret,
      exchangesPerIp: config.auth.rateLimits.exchangePerIp,
      exchangesPerEmployee: config.auth.rateLimits.exchangePerEmployee,
      authFailures,
    }),
  );
  const passDeps = { db, secret: config.api.sessionSecret, publicBaseUrl: config.api.publicBaseUrl };
  app.use('/api/pass', passVerifyRoutes(passDeps));
  // Submissions are limited per person: a whole office behind one NAT address submits at 09:00, so
  // the per-IP limit counts only callers the authentication above did not identify.
  app.post(
    ['/api/me/checkins', '/api/me/attachments', '/api/employees/:id/proxy-checkins'],
    limiter({
      name: 'submit-ip',
      perMinute: config.auth.rateLimits.submitPerIp,
      skip: (req) => req.principal !== undefined,
    }),
    limiter({
      name: 'submit-user',
      perMinute: config.auth.rateLimits.submitPerUser,
      key: (req) => req.principal?.actor,
    }),
  );
  app.use(
    '/api/me',
    requireEmployee(),
    checkinRoutes({
      ...checkinDeps,
      identityChecks: createIdentityChecks({ dingtalk, sessionSecret: config.api.sessionSecret }),
    }),
    attachmentUploadRoutes({ db }),
    myPassRoutes(passDeps),
    mePrivacyRoutes({ db, temporal, taskQueue, logger, retention: config.retention }),
    myDataRequestRoutes({ db, temporal, taskQueue, logger }),
  );

  // Every admin resource names its permission once, here; scoped routes filter SQL by req.scope.
  app.use(
    '/api/reviews',
    authorizeByMethod('health:read', 'reviews:decide'),
    reviewDecisionRoutes({ db, temporal }),
  );
  app.use(
    '/api/ra',
    adminDataRoutes({
      db,
      temporal,
      taskQueue,
      logger,
      batchWindowMs: config.schedule.batchWindowSeconds * 1000,
    }),
  );
  app.use('/api/ra/data-requests', dataRequestsResource({ db, temporal, taskQueue, logger }));
  app.use(
    '/api/privacy/settings',
    authorizeByMethod('config:read', 'privacy:write'),
    privacyRoutes({ db, config }),
  );
  app.use('/api/dashboard', authorize('health:read'), dashboardRoutes({ db }));
  app.use('/api/company', companyClockRoutes({ db }));
  app.use('/api/forms', authorizeByMethod('config:read', 'config:write'), formRoutes({ db }));
  app.use(
    '/api/privacy/notices',
    authorizeByMethod('config:read', 'config:write'),
    noticeRoutes({ db, retention: config.retention }),
  );
  app.use('/api/records', authorize('health:read'), attachmentReadRoutes({ db }), recordRoutes({ db }));
  app.use(
    '/api/exports',
    authorize('health:read'),
    exportRoutes({
      db,
      logger,
      temporal,
      taskQueue,
      exportDir: config.exports.dir,
      syncMaxRecords: config.exports.syncMaxRecords,
    }),
  );
  app.use('/api/calendar', authorizeByMethod('config:read', 'calendar:write'));
  app.use('/api/policy', authorizeByMethod('config:read', 'config:write'));
  app.use('/api/departments', authorizeByMethod('config:read', 'config:write'));
  // the org chart import only, not the department routes below that HR and managers read
  app.post('/api/departments/import', authorize('org:write'));
  app.use('/api/departments', departmentImportRoutes({ db }));
  // 代填 before the directory guard below: managers may fill in but not edit people.
  app.post('/api/employees/:id/proxy-checkins', authorize('proxy:submit'), proxyCheckin(checkinDeps));
  app.use('/api/employees', authorizeByMethod('people:read', 'people:write'));
  app.use('/api/employees', employeeImportRoutes({ db }));
  app.use('/api', calendarRoutes({ db }));
  app.use('/api', policyRoutes({ db }));
  app.use('/api/admin', authorize('operations:run'), adminRoutes({ temporal, taskQueue }));
  app.use((req, _res, next) => next(notFound(`Route ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}
