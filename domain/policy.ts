// The company's check-in policy: window, reminder ladder, late rule. Stored in Postgres, snapshotted per day.
import { z } from 'zod';
import { issue } from './issue-codes.ts';
import { isValidTimeZone } from './zoned-time.ts';
import { ReminderLevels } from './reminders/ladder.ts';

// The ladder's levels are named once, in domain/reminders/ladder.ts.
const { notifyEmployee, mentionManager, hrCallTask } = ReminderLevels;

const hhmm = z
  .string()
  .refine((s) => /^([01]\d|2[0-3]):[0-5]\d$/.test(s), issue('time_hhmm', 'expected HH:MM (24h)'));

export const checkinPolicySchema = z
  .object({
    timeZone: z.string().refine(isValidTimeZone, issue('time_zone_unknown', 'unknown IANA time zone')),
    windowStart: hhmm,
    windowEnd: hhmm,
    reminderTimes: z.tuple([hhmm, hhmm, hhmm]),
    lateSubmissions: z.enum(['accept', 'refuse']),
    lateGraceMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    dingPhoneCall: z.boolean(),
    /** reminder levels in use; the HR call is never made without the manager level before it */
    enabledLevels: z
      .array(z.union([z.literal(notifyEmployee), z.literal(mentionManager), z.literal(hrCallTask)]))
      .max(3)
      .refine((ls) => new Set(ls).size === ls.length, issue('levels_repeat', 'levels must not repeat'))
      .refine(
        (ls) => !ls.includes(hrCallTask) || ls.includes(mentionManager),
        issue('level3_needs_level2', 'level 3 (HR call) needs level 2 (manager) enabled'),
      ),
  })
  .superRefine((p, ctx) => {
    const times = [p.windowStart, ...p.reminderTimes, p.windowEnd];
    for (let i = 1; i < times.length; i++) {
      if ((times[i] as string) <= (times[i - 1] as string)) {
        ctx.addIssue({
          code: 'custom',
          path: ['reminderTimes'],
          ...issue(
            'reminder_order',
            'window start < reminder 1 < reminder 2 < reminder 3 < window end must hold',
            { start: p.windowStart, end: p.windowEnd },
          ),
        });
        return;
      }
    }
  });

export type CheckinPolicy = z.infer<typeof checkinPolicySchema>;

export const defaultPolicy: CheckinPolicy = Object.freeze<CheckinPolicy>({
  timeZone: 'Asia/Shanghai',
  windowStart: '08:00',
  windowEnd: '16:00',
  reminderTimes: ['09:00', '12:00', '15:00'] as [string, string, string],
  lateSubmissions: 'accept',
  lateGraceMinutes: 8 * 60,
  dingPhoneCall: false,
  enabledLevels: [notifyEmployee, mentionManager, hrCallTask],
});
