// 代填: marks a record someone else filled in for the employee, with the proxy's name.
import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

export const ProxyChip = (_props: { label?: string }) => {
  const record = useRecordContext<{ proxy_by_employee_id?: number | null; proxy_name?: string | null }>();
  const t = useTranslate();
  if (!record?.proxy_by_employee_id) return null;
  return (
    <Chip
      size="small"
      color="info"
      variant="outlined"
      data-testid="proxy-chip"
      label={t('proxy.chip', { name: record.proxy_name ?? `#${record.proxy_by_employee_id}` })}
    />
  );
};
