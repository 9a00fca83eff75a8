// Every workflow the worker registers (loaded by the bundler through workflowsPath).
export { dailyCheckin } from './daily-checkin.ts';
export { dailyFanout } from './daily-fanout.ts';
export { departmentReminderBatch } from './department-reminder-batch.ts';
export { anomalyReview } from './anomaly-review.ts';
export { dailyDigest } from './daily-digest.ts';
export { reportExport } from './report-export.ts';
export { dataRetention } from './data-retention.ts';
export { deliveryReceipts } from './delivery-receipts.ts';
export { dataRequest } from './data-request.ts';
export { employeeDeparture } from './employee-departure.ts';
