import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The designer's bench page (bench/designer.ts builds it into dist/designer-bench).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../../../../dist/designer-bench', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 3000 },
});
