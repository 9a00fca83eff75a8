// The admin UI is served by the API under /admin; `npm run dev:ui` proxies /api to it. A second
// entry is the employee check-in page (served at /checkin and /pass/verify) and its service worker,
// which keeps a fixed name because the page registers it by URL.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: {
        admin: 'index.html',
        checkin: 'checkin.html',
        'checkin-sw': 'src/checkin/service-worker.ts',
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'checkin-sw' ? 'checkin-sw.js' : 'assets/[name]-[hash].js',
      },
    },
  },
});
