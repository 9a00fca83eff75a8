// The stock layout with a menu that adds the custom pages after the resources.
import DownloadIcon from '@mui/icons-material/Download';
import SettingsIcon from '@mui/icons-material/Settings';
import CalendarMonthIcon from '@mui/icons-material/CalendarMonth';
import DynamicFormIcon from '@mui/icons-material/DynamicForm';
import PrivacyTipIcon from '@mui/icons-material/PrivacyTip';
import type { ReactNode } from 'react';
import { Layout, Menu, useCanAccess, useTranslate } from 'react-admin';

/** A custom page's menu entry, shown only to roles that may open it. */
const PageItem = ({ to, resource, icon }: { to: string; resource: string; icon: ReactNode }) => {
  const t = useTranslate();
  const { canAccess } = useCanAccess({ resource, action: 'list' });
  return canAccess ? <Menu.Item to={to} primaryText={t(`${resource}.title`)} leftIcon={icon} /> : null;
};

const AppMenu = () => {
  const { canAccess: seesHealth } = useCanAccess({ resource: 'dashboard', action: 'list' });
  return (
    <Menu>
      {seesHealth ? <Menu.DashboardItem /> : null}
      <Menu.ResourceItems />
      <PageItem to="/exports" resource="exports" icon={<DownloadIcon />} />
      <PageItem to="/calendar" resource="calendar" icon={<CalendarMonthIcon />} />
      <PageItem to="/forms" resource="forms" icon={<DynamicFormIcon />} />
      <PageItem to="/privacy" resource="privacy" icon={<PrivacyTipIcon />} />
      <PageItem to="/settings" resource="settings" icon={<SettingsIcon />} />
    </Menu>
  );
};

export const AppLayout = ({ children }: { children: ReactNode }) => (
  <Layout menu={AppMenu}>{children}</Layout>
);
