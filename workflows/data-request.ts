// An employee's correction or deletion request (PIPL): HR decides (a Temporal Update) with a
// reason; HR is reminded at an interval, and without a decision by the deadline the request
// escalates to company-wide HR, like the review ladder. The decision and what it did are stored
// and audited by the applyDataRequestDecision activity.
import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.ts';
import {
  DECIDE_CONFLICT,
  DECIDE_FORBIDDEN,
  dataRequestStatusQuery,
  decideDataRequestUpdate,
  type DataRequestDecision,
  type DataRequestResult,
  type DataRequestState,
} from './messages.ts';

type Activities = ReturnType<typeof createActivities>;

const { loadDataRequest, applyDataRequestDecision } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const { notifyDataRequest } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
});

export interface DataRequestInput {
  requestId: number;
}

export async function dataRequest(input: DataRequestInput): Promise<DataRequestState> {
  const state: DataRequestState = {
    requestId: input.requestId,
    status: 'pending',
    escalated: false,
    reminders: 0,
    deadline: null,
  };
  // The handlers come first: a decision sent right after the start must find them (Temporal
  // refuses an Update the first workflow task has no handler for); it waits for the row to load.
  let employeeId: number | null = null;
  let loaded = false;
  let deciding = false;
  const final = () => state.status !== 'pending';

  setHandler(dataRequestStatusQuery, () => state);
  setHandler(
    decideDataRequestUpdate,
    async (d: DataRequestDecision): Promise<DataRequestResult> => {
      deciding = true;
      try {
        await condition(() => loaded);
        if (final())
          throw ApplicationFailure.create({
            type: DECIDE_CONFLICT,
            message: 'This request has already been decided',
          });
        const result = await applyDataRequestDecision({ requestId: state.requestId, ...d });
        state.status = result.status;
        return result;
      } finally {
        deciding = false;
      }
    },
    {
      validator: (d: DataRequestDecision) => {
        if (final() || deciding)
          throw ApplicationFailure.create({
            type: DECIDE_CONFLICT,
            message: 'This request has already been decided',
          });
        if (d.deciderEmployeeId !== null && d.deciderEmployeeId === employeeId)
          throw ApplicationFailure.create({
            type: DECIDE_FORBIDDEN,
            message: 'Nobody decides their own request',
          });
      },
    },
  );

  const r = await loadDataRequest({ requestId: input.requestId });
  employeeId = r.employeeId;
  if (!deciding) {
    state.status = r.status;
    state.escalated = r.escalated;
    state.reminders = r.reminders;
  }
  loaded = true;

  if (!final() && !deciding && state.reminders === 0 && !state.escalated) {
    await notifyDataRequest({ requestId: state.requestId, stage: 'hr' });
    state.reminders = 1;
  }
  // Date.now() is Temporal's deterministic workflow clock here.
  const deadline = Date.parse(r.createdAt) + r.deadlineMs;
  let nextReminder = Date.now() + r.reminderMs;
  while (!final()) {
    state.deadline = state.escalated ? null : new Date(deadline).toISOString();
    const wakeAt = state.escalated ? nextReminder : Math.min(nextReminder, deadline);
    const acted = await condition(final, Math.max(1, wakeAt - Date.now()));
    if (acted) break;
    if (deciding) {
      // a decision is being stored: its outcome decides whether anyone is reminded
      await condition(() => !deciding);
      continue;
    }
    if (!state.escalated && Date.now() >= deadline) {
      await notifyDataRequest({ requestId: state.requestId, stage: 'escalated' });
      state.escalated = true;
      nextReminder = Date.now() + r.reminderMs;
    } else if (Date.now() >= nextReminder) {
      await notifyDataRequest({
        requestId: state.requestId,
        stage: state.escalated ? 'escalated_reminder' : 'reminder',
      });
      state.reminders++;
      nextReminder = Date.now() + r.reminderMs;
    }
  }
  state.deadline = null;
  await condition(() => !deciding);
  return state;
}
