// The admin UI is served by the API under /admin; `npm run dev:ui` proxies /api to it. A second
// entry is the employee check-in page (served at /checkin and /pass/verify) and its service worker,
// which keeps a fixed name because the page registers it by URL. Libraries go to their own chunks
// (cached across releases; React is shared by both pages), and every text file gets a .br and .gz.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress.ts';

const outDir = fileURLToPath(new URL('./dist', import.meta.url));
const lib = (names: string) => new RegExp(`[\\\\/]node_modules[\\\\/](${names})[\\\\/]`);

export default defineConfig({
  base: '/admin/',
  plugins: [react(), precompress(outDir)],
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      input: {
        admin: 'index.html',
        checkin: 'checkin.html',
        'checkin-sw': 'src/checkin/service-worker.ts',
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'checkin-sw' ? 'checkin-sw.js' : 'assets/[name]-[hash].js',
        codeSplitting: {
          groups: [
            { name: 'react', test: lib('react|react-dom|scheduler'), priority: 40 },
            // The language packs on their own: the check-in page reads their texts without react-admin
            // (react-admin imports the English pack, so its group would otherwise take it along).
            {
              name: 'ra-messages',
              test: lib('ra-language-english|@haxqer[\\/]ra-language-chinese'),
              priority: 50,
            },
            { name: 'mui', test: lib('@mui|@emotion|@popperjs|react-transition-group'), priority: 30 },
            {
              name: 'react-admin',
              test: lib(
                'react-admin|ra-core|ra-ui-materialui|ra-data-simple-rest|ra-i18n-polyglot|@tanstack|react-router|react-router-dom|react-hook-form|lodash',
              ),
              priority: 20,
            },
          ],
        },
      },
    },
  },
});
