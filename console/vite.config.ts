import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = process.env.CONSOLE_BACKEND ?? 'http://127.0.0.1:3000';

// The console is built into dist/console, which the service serves at `/` (SPA fallback for deep links).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    // Chunks are split per route (React.lazy); the sign-in and queue budget is checked by the build size report.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: {
      '/v1': { target: backend, changeOrigin: false },
      '/health': { target: backend },
      '/docs': { target: backend },
    },
  },
});
