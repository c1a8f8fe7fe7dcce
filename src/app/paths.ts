/** Where the app's files live, the same whether it runs from src/ (tsx, jest) or from dist/ (npm start). */
import { existsSync } from 'node:fs';
import path from 'node:path';

function findProjectRoot(start: string): string {
  let dir = start;
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'views'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`Cannot find the project root (package.json and views/) above ${start}`);
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const VIEWS_DIR = path.join(PROJECT_ROOT, 'views');
export const PUBLIC_DIR = path.join(PROJECT_ROOT, 'public');
export const BOOTSTRAP_DIST = path.join(PROJECT_ROOT, 'node_modules', 'bootstrap', 'dist');
export const OPENTOK_CLIENT_DIST = path.join(
  PROJECT_ROOT,
  'node_modules',
  '@opentok',
  'client',
  'dist',
  'js',
);
