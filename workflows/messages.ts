// Signals, queries and search attributes shared by workflow code and its callers.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Severity } from '../domain/forms/form-definition.ts';
import type { DecidedReviewStatus, ReviewStatus } from '../domain/review-status.ts';

export interface SubmitSignal {
  recordId: number;
  submittedAt: string;
  status: 'on_time' | 'late';
}
export const submitSignal = defineSignal<[SubmitSignal]>('submit');

/** The employee went on leave (or a trip) during the day: stop without further reminders. */
export const exemptSignal =
  defineSignal<[{ reason: 'leave' | 'business_trip' | 'consent_withdrawn' }]>('exempt');

export type DayState = 'waiting' | 'submitted' | 'missed' | 'exempt';
export interface DayStatus {
  workDate: string;
  employeeId: number;
  state: DayState;
  /** highest reminder level sent so far (0 = none) */
  levelReached: number;
  nextReminderAt: string | null;
  closesAt: string;
  submittedAt: string | null;
}
export const statusQuery = defineQuery<DayStatus>('status');

export interface PendingEmployees {
  employeeIds: number[];
}
export const pendingSignal = defineSignal<[PendingEmployees]>('pending');

/** Instants at which a department's ladder sends its level (again: a re-run fan-out's new days). */
export interface LadderDue {
  dueAt: string[];
  /** a later deadline for the new instants' days (the ladder keeps the latest) */
  until?: string;
}
export const ladderDueSignal = defineSignal<[LadderDue]>('ladderDue');

export interface FanoutProgress {
  started: number;
  alreadyRunning: number;
  /** active employees not started: on leave, on a trip, or a part-timer's day off */
  exempt: number;
  done: boolean;
}
export const fanoutProgressQuery = defineQuery<FanoutProgress>('progress');

export const WorkDateKey = defineSearchAttributeKey('WorkDate', SearchAttributeType.KEYWORD);
export const DepartmentIdKey = defineSearchAttributeKey('DepartmentId', SearchAttributeType.INT);
export const CheckinStatusKey = defineSearchAttributeKey('CheckinStatus', SearchAttributeType.KEYWORD);

/** What the dev server must register (name → CLI type name). */
export const SEARCH_ATTRIBUTES = {
  WorkDate: 'Keyword',
  DepartmentId: 'Int',
  CheckinStatus: 'Keyword',
} as const;

export type ReviewDecision = 'approve' | 'reject' | 'request_recheck';
export interface DecideInput {
  deciderId: number;
  decision: ReviewDecision;
  comment?: string;
}
export interface DecideResult {
  reviewId: number;
  status: DecidedReviewStatus;
  deciderId: number;
  decidedAt: string;
}
/** The reviewer's decision; the validator refuses deciders who may not decide and decided reviews. */
export const decideUpdate = defineUpdate<DecideResult, [DecideInput]>('decide');

export interface RecheckSignal {
  recordId: number;
  severity: Severity;
}
export const recheckSignal = defineSignal<[RecheckSignal]>('recheck');

/** An approved correction changed the severity of an open review's record (its deadline follows). */
export const severityChangedSignal = defineSignal<[{ severity: Severity }]>('severityChanged');

export interface ReviewState {
  reviewId: number;
  status: ReviewStatus;
  escalated: boolean;
  severity: Severity;
  currentRecordId: number;
  deadline: string | null;
}
export const reviewStatusQuery = defineQuery<ReviewState>('reviewStatus');

/** Failure types the decide validator uses; the API maps them to 403 and 409. */
export const DECIDE_FORBIDDEN = 'DecideForbidden';
export const DECIDE_CONFLICT = 'DecideConflict';

/** HR's decision on an employee's correction or deletion request (workflows/data-request.ts). */
export interface DataRequestDecision {
  decision: 'approve' | 'reject';
  reason: string;
  /** who decided: the principal's actor (`employee:12`, `account:hr`) */
  decidedBy: string;
  deciderRoles: string[];
  /** the decider's employee id when a person (nobody decides their own request) */
  deciderEmployeeId: number | null;
  /** an approved correction: the answers of the named record to set (validated against its form) */
  corrections?: Record<string, unknown>;
}
export interface DataRequestResult {
  requestId: number;
  status: 'approved' | 'rejected';
  decidedAt: string;
  outcome: Record<string, unknown> | null;
}
export const decideDataRequestUpdate = defineUpdate<DataRequestResult, [DataRequestDecision]>(
  'decideDataRequest',
);
export interface DataRequestState {
  requestId: number;
  status: 'pending' | 'approved' | 'rejected';
  escalated: boolean;
  reminders: number;
  deadline: string | null;
}
export const dataRequestStatusQuery = defineQuery<DataRequestState>('dataRequestStatus');

/** The employee was deactivated again or reactivated: the departure workflow re-reads the row. */
export const departureChangedSignal = defineSignal<[Record<string, never>]>('departureChanged');
