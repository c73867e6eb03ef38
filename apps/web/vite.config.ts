import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

// The API lives at the same origin in production (the server serves dist/ with an SPA fallback);
// in development Vite forwards /api to the server on its default port.
const apiTarget = process.env.TESSERA_API_URL ?? 'http://localhost:3080';

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    // .br and .gz beside every text asset of 1 KB or more, at the best ratio (paid once per build), which
    // the server sends to browsers that accept them instead of compressing on every request.
    compression({ algorithms: ['brotliCompress', 'gzip'], threshold: 1024, exclude: [/\.html$/] }),
  ],
  server: {
    proxy: {
      '/api': {
        target: apiTarget,
        changeOrigin: true,
        // The server checks Origin on state-changing auth requests (INVALID_ORIGIN otherwise).
        // Through this proxy the browser's origin is Vite's, so present the API's own origin.
        configure: (proxy) => {
          proxy.on('proxyReq', (proxyReq) => {
            if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', new URL(apiTarget).origin);
          });
        },
      },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
