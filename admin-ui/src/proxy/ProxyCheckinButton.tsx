// The 代填 button: shown only to people holding proxy:submit (managers, HR); opens the dialog for
// the employee of the row it sits in, or the one passed in.
import EditNoteIcon from '@mui/icons-material/EditNote';
import { useState } from 'react';
import { Button, useCanAccess, useRecordContext } from 'react-admin';
import { ProxyCheckinDialog } from './ProxyCheckinDialog.tsx';

export const ProxyCheckinButton = (props: { employee?: { id: number; name: string } }) => {
  const record = useRecordContext<{ id: number; name: string; active?: boolean }>();
  const { canAccess } = useCanAccess({ resource: 'proxy_checkins', action: 'create' });
  const [open, setOpen] = useState(false);
  const employee = props.employee ?? record;
  if (!canAccess || !employee || record?.active === false) return null;
  return (
    <>
      <Button
        label="proxy.button"
        size="small"
        data-testid={`proxy-button-${employee.id}`}
        // inside a clickable row: open the dialog, not the row
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        <EditNoteIcon />
      </Button>
      {open && (
        <div onClick={(e) => e.stopPropagation()}>
          <ProxyCheckinDialog
            employee={{ id: employee.id, name: employee.name }}
            open={open}
            onClose={() => setOpen(false)}
          />
        </div>
      )}
    </>
  );
};
