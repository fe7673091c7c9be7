import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// `npm run dev:web` serves the app with hot reload and forwards the API to a running `npm start`.
const server = process.env.RICOCHET_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: here,
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../dist/web', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: Object.fromEntries(['/api', '/t', '/s', '/u', '/v'].map((path) => [path, server])) },
});
