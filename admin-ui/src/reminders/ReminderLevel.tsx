// How far a day's reminders got: "3/3", or "3/3 · 2、3 级跳过" when nobody anywhere up the
// department tree could be chased at a level (skipped levels were never sent).
import { useRecordContext, useTranslate } from 'react-admin';
import { MANUAL_REMINDER_LEVEL, REMINDER_LEVELS } from '../../../domain/reminders/ladder.ts';
import { enumChoices } from '../enum-fields.tsx';

/** Every level a reminder can have ("remind now" and the ladder's), for a filter or a column. */
export const reminderLevelChoices = [MANUAL_REMINDER_LEVEL, ...REMINDER_LEVELS].map((id) => ({
  id,
  name: `reminders.level.${id}`,
}));

/** The channels a reminder goes out on. */
export const reminderChannelChoices = enumChoices('resources.reminders.values.channel', [
  'work_notification',
  'group_robot',
  'manager_notification',
  'todo',
  'none',
]);

export const ReminderLevel = ({ level, skipped = [] }: { level: number; skipped?: readonly number[] }) => {
  const t = useTranslate();
  return (
    <span data-testid="reminder-level">
      {level}/{REMINDER_LEVELS.length}
      {skipped.length > 0 && (
        <span style={{ color: '#b26a00' }}>
          {' · '}
          {t('reminder_progress.skipped_levels', { levels: skipped.join('、') })}
        </span>
      )}
    </span>
  );
};

/** A reminders row's delivery status in words ("跳过", not "skipped"). */
export const ReminderStatusField = (_props: { source?: string; label?: string }) => {
  const record = useRecordContext<{ status?: string }>();
  const t = useTranslate();
  if (!record?.status) return null;
  return <span>{t(`reminder_progress.status.${record.status}`, { _: record.status })}</span>;
};
