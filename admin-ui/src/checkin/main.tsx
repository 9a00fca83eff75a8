// Entry of the employee page (/checkin) and the guard's pass check (/pass/verify): one small bundle.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CheckinApp } from './CheckinApp.tsx';
import { PassVerifyPage } from './PassVerifyPage.tsx';
import './checkin.css';

const verifying = location.pathname.startsWith('/pass/verify');

// The service worker keeps the page, its assets and today's form for opening offline.
if (!verifying && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('/checkin-sw.js', { scope: '/checkin' }).catch((err: unknown) => {
    console.warn('service worker not registered', err);
  });
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>{verifying ? <PassVerifyPage /> : <CheckinApp />}</StrictMode>,
);
