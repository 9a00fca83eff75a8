// The admin app: a short list of resources, as in react-admin's demo.
import { Route } from 'react-router-dom';
import { Admin, CustomRoutes, Resource } from 'react-admin';
import { ExportsPage } from './exports/ExportsPage.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';
import { CalendarPage } from './calendar/CalendarPage.tsx';
import { FormEditorPage } from './forms/FormEditorPage.tsx';
import { FormVersionsPage } from './forms/FormVersionsPage.tsx';
import leaves from './leaves/index.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { LoginPage } from './layout/LoginPage.tsx';
import audit from './audit/index.tsx';
import { authProvider } from './authProvider.ts';
import { dataProvider } from './dataProvider.ts';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { i18nProvider } from './i18n/i18nProvider.ts';
import departments from './departments/index.tsx';
import employees from './employees/index.tsx';
import records from './records/index.ts';
import reminders from './reminders/index.tsx';
import reviews from './reviews/index.ts';

export const App = () => (
  <Admin
    title="健康打卡"
    dashboard={Dashboard}
    dataProvider={dataProvider}
    authProvider={authProvider}
    loginPage={LoginPage}
    i18nProvider={i18nProvider}
    requireAuth
    layout={AppLayout}
  >
    <CustomRoutes>
      <Route path="/exports" element={<ExportsPage />} />
      <Route path="/settings" element={<SettingsPage />} />
      <Route path="/calendar" element={<CalendarPage />} />
      <Route path="/forms" element={<FormVersionsPage />} />
      <Route path="/forms/:version" element={<FormEditorPage />} />
    </CustomRoutes>
    <Resource name="reviews" {...reviews} />
    <Resource name="records" {...records} />
    <Resource name="employees" {...employees} recordRepresentation="name" />
    <Resource name="departments" {...departments} recordRepresentation="name" />
    <Resource name="reminders" {...reminders} />
    <Resource name="leaves" {...leaves} />
    <Resource name="audit" {...audit} />
  </Admin>
);
