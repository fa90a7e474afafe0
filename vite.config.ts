import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` serves the app here with hot reload and forwards API and
// Socket.IO traffic to the server (PORT, default 3000).
const target = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: {
      '/api': { target },
      '/health': { target },
      '/metrics': { target },
      '/socket.io': { target, ws: true },
    },
  },
});
