// All activities, built from their dependencies (the worker registers the returned object).
import { createCheckinDayActivities } from './checkin-day.ts';
import { createDigestActivities } from './daily-digest.ts';
import { createExportActivities } from './report-export.ts';
import type { ActivityDeps } from './deps.ts';
import { createReminderActivities } from './reminders/send-levels.ts';
import { createDeliveryReceiptActivities } from './reminders/delivery-receipts.ts';
import { createRetentionActivities } from './retention.ts';
import { createDataRightsActivities } from './data-rights.ts';
import { createReviewActivities } from './reviews.ts';

export type { ActivityDeps };

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCheckinDayActivities(deps),
    ...createReminderActivities(deps),
    ...createReviewActivities(deps),
    ...createDigestActivities(deps),
    ...createExportActivities(deps),
    ...createRetentionActivities(deps),
    ...createDeliveryReceiptActivities(deps),
    ...createDataRightsActivities(deps),
  };
}
