/** The Express view engine for the EJS views: each view is compiled once and rendered from memory. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

type Locals = Record<string, unknown>;
type RenderView = (locals: Locals) => string;

/** The signature app.engine() expects. */
export type ViewEngine = (
  filePath: string,
  locals: object,
  done: (error: Error | null, html?: string) => void,
) => void;

/**
 * Through ejs.renderFile, every include() is looked up on disk again at each render, even with the template
 * cache on: a fifth of a page's time in `npm run bench`. Compiled with `client: true`, a template takes its
 * include() as an argument, so partials come from this engine's memory instead. Each file is read on first
 * use and kept; `npm run dev` restarts the server when a view changes.
 */
export function createViewEngine(): ViewEngine {
  const views = new Map<string, RenderView>();

  const load = (filePath: string): RenderView => {
    const loaded = views.get(filePath);
    if (loaded) return loaded;
    const template = ejs.compile(readFileSync(filePath, 'utf8'), { client: true, filename: filePath });
    const directory = path.dirname(filePath);
    // As in ejs: an include is relative to the including file, has the .ejs extension by default, and sees
    // the includer's locals plus any it is given.
    const includeFrom =
      (locals: Locals) =>
      (name: string, extra?: Locals): string =>
        load(path.resolve(directory, path.extname(name) ? name : `${name}.ejs`))(
          extra ? { ...locals, ...extra } : locals,
        );
    const view: RenderView = (locals) => template(locals, ejs.escapeXML, includeFrom(locals));
    views.set(filePath, view);
    return view;
  };

  return (filePath, locals, done) => {
    let html: string;
    try {
      // Express passes the page's locals merged into one plain object.
      html = load(filePath)(locals as Locals);
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    done(null, html);
  };
}
