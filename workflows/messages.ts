// Signals, queries and search attributes shared by workflow code and its callers.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export interface SubmitSignal {
  recordId: number;
  submittedAt: string;
  status: 'on_time' | 'late';
}
export const submitSignal = defineSignal<[SubmitSignal]>('submit');

export type DayState = 'waiting' | 'submitted' | 'missed';
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

export interface FanoutProgress {
  started: number;
  alreadyRunning: number;
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
