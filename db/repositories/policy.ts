// The company's current check-in policy row (created with defaults on first read).
import { checkinPolicySchema, defaultPolicy, type CheckinPolicy } from '../../domain/policy.ts';
import type { DB } from '../connect.ts';

export async function getCurrentPolicy(db: DB): Promise<CheckinPolicy> {
  let row = await db
    .selectFrom('checkin_policies')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) {
    row = await db
      .insertInto('checkin_policies')
      .values({
        time_zone: defaultPolicy.timeZone,
        window_start: defaultPolicy.windowStart,
        window_end: defaultPolicy.windowEnd,
        reminder_times: [...defaultPolicy.reminderTimes],
        late_submissions: defaultPolicy.lateSubmissions,
        late_grace_minutes: defaultPolicy.lateGraceMinutes,
        ding_phone_call: defaultPolicy.dingPhoneCall,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return checkinPolicySchema.parse({
    timeZone: row.time_zone,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    reminderTimes: row.reminder_times,
    lateSubmissions: row.late_submissions,
    lateGraceMinutes: row.late_grace_minutes,
    dingPhoneCall: row.ding_phone_call,
  });
}
