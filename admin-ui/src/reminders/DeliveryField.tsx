// 已读/未读: DingTalk's read receipt of a work-notification reminder; empty for group posts and to-dos.
import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

export const DeliveryField = (_props: { source: 'delivery'; label?: string }) => {
  const record = useRecordContext<{ id: string; delivery?: string | null }>();
  const t = useTranslate();
  if (!record?.delivery) return null;
  const color = record.delivery === 'read' ? 'success' : record.delivery === 'unread' ? 'default' : 'warning';
  return <Chip size="small" color={color} label={t(`reminder_delivery.${record.delivery}`)} />;
};
