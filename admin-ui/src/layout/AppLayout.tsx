// The stock layout with a menu that adds the custom pages after the resources.
import DownloadIcon from '@mui/icons-material/Download';
import SettingsIcon from '@mui/icons-material/Settings';
import CalendarMonthIcon from '@mui/icons-material/CalendarMonth';
import type { ReactNode } from 'react';
import { Layout, Menu, useTranslate } from 'react-admin';

const AppMenu = () => {
  const t = useTranslate();
  return (
    <Menu>
      <Menu.DashboardItem />
      <Menu.ResourceItems />
      <Menu.Item to="/exports" primaryText={t('exports.title')} leftIcon={<DownloadIcon />} />
      <Menu.Item to="/calendar" primaryText={t('calendar.title')} leftIcon={<CalendarMonthIcon />} />
      <Menu.Item to="/settings" primaryText={t('settings.title')} leftIcon={<SettingsIcon />} />
    </Menu>
  );
};

export const AppLayout = ({ children }: { children: ReactNode }) => (
  <Layout menu={AppMenu}>{children}</Layout>
);
