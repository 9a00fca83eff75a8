// "Remind now" (一键提醒): staff send today's non-submitters a reminder on demand. It travels the
// ladder's batched path as its own level, 0, so the (employee, day, level) key lets it reach each
// person at most once a day however often the button is pressed, and never uses up a ladder level.
export { MANUAL_REMINDER_LEVEL, type ManualReminderLevel } from './reminders/ladder.ts';
