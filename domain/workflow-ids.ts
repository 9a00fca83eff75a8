// Deterministic workflow ids: starting the same day twice is harmless because the id is taken.
import type { ReminderLevel } from './reminders/ladder.ts';

export const checkinWorkflowId = (workDate: string, employeeId: number) =>
  `checkin-${workDate}-${employeeId}`;
export const fanoutWorkflowId = (workDate: string) => `fanout-${workDate}`;
export const departmentBatchWorkflowId = (workDate: string, departmentId: number, level: ReminderLevel) =>
  `remind-${workDate}-dept${departmentId}-L${level}`;
export const FANOUT_SCHEDULE_ID = 'daily-fanout';
export const RETENTION_SCHEDULE_ID = 'data-retention';
export const reviewWorkflowId = (recordId: number) => `review-${recordId}`;
export const digestWorkflowId = (workDate: string) => `digest-${workDate}`;
/** A fan-out an operator starts by hand: its own id, so it may run again for a new hire. */
export const manualFanoutWorkflowId = (workDate: string | undefined, startedAt: number) =>
  `${fanoutWorkflowId(workDate ?? 'today')}-${startedAt}`;
export const exportWorkflowId = (exportId: number) => `export-${exportId}`;
/** "Remind now": one batch workflow per department and day gathers the clicks of the batch window. */
export const manualReminderWorkflowId = (workDate: string, departmentId: number) =>
  `remind-now-${workDate}-dept${departmentId}`;
/** Asks DingTalk who read one level's work notifications (the task ids make it unique). */
export const deliveryReceiptsWorkflowId = (workDate: string, level: number, taskIds: string[]) =>
  `delivery-receipts/${workDate}/L${level}/${taskIds.join('-')}`;
/** An employee's correction or deletion request, decided by HR. */
export const dataRequestWorkflowId = (requestId: number) => `data-request-${requestId}`;
/** The deletion of a departed employee's health data (started by the trigger of migration 0015). */
export const departureWorkflowId = (employeeId: number) => `departure-${employeeId}`;
