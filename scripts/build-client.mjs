// Bundles the local-mode browser client (src/client) into public/js/ot-local.js with esbuild.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entry = 'src/client/index.ts';
if (!existsSync(entry)) {
  console.log('build-client: no src/client/index.ts yet, nothing to bundle');
  process.exit(0);
}
await build({
  entryPoints: [entry],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  outfile: 'public/js/ot-local.js',
  sourcemap: true,
  minify: process.env.NODE_ENV === 'production',
  logLevel: 'warning',
});
