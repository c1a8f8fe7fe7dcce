// Bundles the local-mode browser client (src/client) into public/js/ot-local.js with esbuild.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/client/index.ts'],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  outfile: 'public/js/ot-local.js',
  sourcemap: true,
  minify: process.env.NODE_ENV === 'production',
  logLevel: 'warning',
});
