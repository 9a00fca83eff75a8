// Approved leave from DingTalk attendance, imported for the day being planned, so people on leave
// in DingTalk are not chased here. A failure only logs: the day must start anyway.
import { addDays, zonedWallTimeToUtc } from '../domain/zoned-time.ts';
import { findLeaveCovering, insertLeave } from '../db/repositories/calendar.ts';
import type { ActivityDeps } from './deps.ts';

export async function importDingTalkLeave(
  { db, dingtalk, logger }: Pick<ActivityDeps, 'db' | 'dingtalk' | 'logger'>,
  employees: { id: number; dingtalk_user_id: string }[],
  workDate: string,
  timeZone: string,
): Promise<number> {
  const start = zonedWallTimeToUtc(workDate, '00:00', timeZone).getTime();
  const end = zonedWallTimeToUtc(addDays(workDate, 1), '00:00', timeZone).getTime() - 1;
  const byUser = new Map(employees.map((e) => [e.dingtalk_user_id, e.id]));
  let imported = 0;
  for (let i = 0; i < employees.length; i += 100) {
    const chunk = employees.slice(i, i + 100);
    try {
      const leave = await dingtalk.getLeaveStatus(
        chunk.map((e) => e.dingtalk_user_id),
        start,
        end,
      );
      for (const l of leave) {
        const employeeId = byUser.get(l.userid);
        if (employeeId === undefined) continue;
        const covered = await findLeaveCovering(db, employeeId, workDate);
        if (covered) continue;
        await insertLeave(db, {
          employee_id: employeeId,
          kind: 'leave',
          from_date: workDate,
          to_date: workDate,
          note: 'DingTalk 请假',
          source: 'dingtalk',
        });
        imported++;
      }
    } catch (err) {
      logger.warn({ err, workDate }, 'DingTalk leave status unavailable; continuing without it');
    }
  }
  return imported;
}
