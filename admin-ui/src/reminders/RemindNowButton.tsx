// 一键提醒: reminds today's non-submitters now — the people given, or a whole department. The server
// sends each person at most one such reminder a day (through the ladder's batched path), so a
// second click only reports who was already reminded.
import NotificationsActiveIcon from '@mui/icons-material/NotificationsActive';
import { useState } from 'react';
import { Button, useCanAccess, useNotify } from 'react-admin';
import { httpClient } from '../dataProvider.ts';

interface RemindNowResult {
  queued: number[];
  alreadyReminded: number[];
  notPending: number[];
}

export const RemindNowButton = (
  props: { employeeIds: number[]; departmentId?: never } | { departmentId: number; employeeIds?: never },
) => {
  const notify = useNotify();
  // reminding is offered to those who see the non-submitters (managers and HR of the department)
  const { canAccess } = useCanAccess({ resource: 'dashboard', action: 'list' });
  const [state, setState] = useState<'idle' | 'sending' | 'done'>('idle');
  if (!canAccess) return null;
  const target =
    props.departmentId !== undefined ? `dept-${props.departmentId}` : props.employeeIds.join('-');
  const send = async () => {
    setState('sending');
    try {
      const body =
        props.departmentId !== undefined
          ? { department_id: props.departmentId }
          : { employee_ids: props.employeeIds };
      const res = await httpClient('/api/ra/reminders/remind-now', {
        method: 'POST',
        body: JSON.stringify(body),
      });
      const r = res.json as RemindNowResult;
      notify('remind_now.done', {
        type: 'info',
        messageArgs: { queued: r.queued.length, already: r.alreadyReminded.length },
      });
      setState('done');
    } catch (err) {
      notify((err as Error).message || 'remind_now.failed', { type: 'error' });
      setState('idle');
    }
  };
  return (
    <Button
      label={
        state === 'done'
          ? 'remind_now.sent'
          : props.departmentId !== undefined
            ? 'remind_now.department'
            : 'remind_now.button'
      }
      size="small"
      disabled={state !== 'idle'}
      data-testid={`remind-now-${target}`}
      onClick={(e) => {
        // inside a clickable row: remind, do not open the row
        e.stopPropagation();
        void send();
      }}
    >
      <NotificationsActiveIcon />
    </Button>
  );
};
