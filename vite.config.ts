import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // Pre-bundle the heavy dependencies up front; otherwise the dev server discovers them lazily
  // and reloads the page in the middle of an end-to-end test.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      'recharts',
      'react',
      'react-dom',
      'fflate',
      'katex',
      'umap-js',
      'fast-png',
      'jpeg-js',
    ],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
});
