// The admin app: a short list of resources, as in react-admin's demo. Pages off the daily path
// (exports, settings, calendar, the form builder) load on first visit.
import { lazy, Suspense, type ComponentType } from 'react';
import { Route } from 'react-router-dom';
import { Admin, CustomRoutes, Loading, Resource } from 'react-admin';
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
import dataRequests from './data-requests/index.ts';

/** A page component loaded on first use, shown with react-admin's spinner while it loads. */
const page = (load: () => Promise<ComponentType>) => {
  const Page = lazy(async () => ({ default: await load() }));
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
};

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
      <Route
        path="/exports"
        element={page(() => import('./exports/ExportsPage.tsx').then((m) => m.ExportsPage))}
      />
      <Route
        path="/settings"
        element={page(() => import('./settings/SettingsPage.tsx').then((m) => m.SettingsPage))}
      />
      <Route
        path="/calendar"
        element={page(() => import('./calendar/CalendarPage.tsx').then((m) => m.CalendarPage))}
      />
      <Route
        path="/forms"
        element={page(() => import('./forms/FormVersionsPage.tsx').then((m) => m.FormVersionsPage))}
      />
      <Route
        path="/privacy"
        element={page(() => import('./privacy/PrivacyNoticePage.tsx').then((m) => m.PrivacyNoticePage))}
      />
      <Route
        path="/forms/:version"
        element={page(() => import('./forms/FormEditorPage.tsx').then((m) => m.FormEditorPage))}
      />
    </CustomRoutes>
    <Resource name="reviews" {...reviews} />
    <Resource name="records" {...records} />
    <Resource name="employees" {...employees} recordRepresentation="name" />
    <Resource name="departments" {...departments} recordRepresentation="name" />
    <Resource name="reminders" {...reminders} />
    <Resource name="leaves" {...leaves} />
    <Resource name="audit" {...audit} />
    <Resource name="data-requests" {...dataRequests} />
  </Admin>
);
