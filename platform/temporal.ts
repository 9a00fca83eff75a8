// Connecting to Temporal and making sure the namespace has what the workflows use.
import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import protoPkg from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { tracingEnabled } from './tracing.ts';

const proto = protoPkg.temporal;
import type { FieldKeyring } from '../security/field-crypto.ts';
import { createDataConverter } from './payload-codec.ts';
import { FANOUT_SCHEDULE_ID, RETENTION_SCHEDULE_ID } from '../domain/workflow-ids.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/messages.ts';

/** How to reach a Temporal frontend behind TLS (Temporal Cloud: an API key or an mTLS client certificate). */
export interface TemporalTls {
  enabled: boolean;
  apiKey?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
}

/** The connection options shared by clients and workers (`Connection` and `NativeConnection`). */
export function temporalTlsOptions(tls: TemporalTls | undefined) {
  if (!tls?.enabled) return {};
  return {
    tls: {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls.certFile && tls.keyFile
        ? { clientCertPair: { crt: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } }
        : {}),
    },
    ...(tls.apiKey ? { apiKey: tls.apiKey } : {}),
  };
}

/** A client whose payloads are sealed with the keyring (platform/payload-codec.ts). */
export async function connectTemporal(
  address: string,
  namespace: string,
  keyring: FieldKeyring,
  tls?: TemporalTls,
) {
  const connection = await Connection.connect({ address, connectTimeout: '10s', ...temporalTlsOptions(tls) });
  const dataConverter = createDataConverter(keyring);
  // with tracing on, starts, signals and updates carry the caller's trace context in a header
  const interceptors = tracingEnabled() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : {};
  return { connection, client: new Client({ connection, namespace, dataConverter, interceptors }) };
}

const typeMap = {
  Keyword: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
} as const;

/** Registers the custom search attributes (idempotent; works on any server, not just the dev one). */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(
    ([name]) => !(name in (existing.customAttributes ?? {})),
  );
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, typeMap[type]])),
  });
}

/** A daily schedule at a wall-clock time in the company's zone, created once (idempotent). */
async function ensureDailySchedule(
  client: Client,
  s: {
    id: string;
    workflowType: string;
    taskQueue: string;
    timeZone: string;
    hour: number;
    minute: number;
    catchupWindow: string;
  },
): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: s.id,
      spec: { calendars: [{ hour: s.hour, minute: s.minute }], timezone: s.timeZone },
      action: { type: 'startWorkflow', workflowType: s.workflowType, taskQueue: s.taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: s.catchupWindow },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}

/** The 00:05 daily fan-out. */
export const ensureFanoutSchedule = (client: Client, taskQueue: string, timeZone: string) =>
  ensureDailySchedule(client, {
    id: FANOUT_SCHEDULE_ID,
    workflowType: 'dailyFanout',
    taskQueue,
    timeZone,
    hour: 0,
    minute: 5,
    catchupWindow: '6 hours',
  });

/** The 03:30 retention job (audit rows and health records past retention). */
export const ensureRetentionSchedule = (client: Client, taskQueue: string, timeZone: string) =>
  ensureDailySchedule(client, {
    id: RETENTION_SCHEDULE_ID,
    workflowType: 'dataRetention',
    taskQueue,
    timeZone,
    hour: 3,
    minute: 30,
    catchupWindow: '1 day',
  });

/**
 * What the app needs from Temporal before it serves, as every API process runs it at start
 * (idempotent): the search attributes and the company's two daily schedules in its time zone.
 */
export async function ensureAppSchedules(
  t: { client: Client; connection: Connection },
  o: { namespace: string; taskQueue: string; timeZone: string },
): Promise<void> {
  await ensureSearchAttributes(t.connection, o.namespace);
  await ensureFanoutSchedule(t.client, o.taskQueue, o.timeZone);
  await ensureRetentionSchedule(t.client, o.taskQueue, o.timeZone);
}
