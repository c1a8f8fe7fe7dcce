/** The Express view engine for the EJS views: each view is compiled once and rendered from memory. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

type Locals = Record<string, unknown>;

/** The signature app.engine() expects. */
export type ViewEngine = (
  filePath: string,
  locals: object,
  done: (error: Error | null, html?: string) => void,
) => void;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Two things made ejs.renderFile slow in `npm run bench`:
 * - every include() is looked up on disk again at each render, even with the template cache on (a tenth of
 *   a page's time). Compiled with `client: true`, a template takes its include() as an argument, so partials
 *   come from memory;
 * - templates read their locals through a `with` block, which V8 cannot optimise (over half of a render).
 *   Compiled for the names of the locals they are given (`destructuredLocals`), they read plain variables
 *   instead; a view rendered with another set of names gets its own compilation, so templates are written
 *   exactly as with `with`.
 * Each file is read on first use and kept; `npm run dev` restarts the server when a view changes.
 */
export function createViewEngine(): ViewEngine {
  const sources = new Map<string, string>();
  const templates = new Map<string, ejs.ClientFunction>();

  const templateFor = (filePath: string, names: string[]): ejs.ClientFunction => {
    const key = `${filePath}\0${names.join(',')}`;
    let template = templates.get(key);
    if (!template) {
      let source = sources.get(filePath);
      if (source === undefined) {
        source = readFileSync(filePath, 'utf8');
        sources.set(filePath, source);
      }
      template = ejs.compile(source, {
        client: true,
        filename: filePath,
        _with: false,
        destructuredLocals: names.filter((name) => IDENTIFIER.test(name)),
      });
      templates.set(key, template);
    }
    return template;
  };

  const render = (filePath: string, locals: Locals, names = Object.keys(locals)): string => {
    const directory = path.dirname(filePath);
    // As in ejs: an include is relative to the including file, has the .ejs extension by default, and sees
    // the includer's locals plus any it is given.
    const include = (name: string, extra?: Locals): string => {
      const partial = path.resolve(directory, path.extname(name) ? name : `${name}.ejs`);
      return extra ? render(partial, { ...locals, ...extra }) : render(partial, locals, names);
    };
    return templateFor(filePath, names)(locals, ejs.escapeXML, include);
  };

  return (filePath, locals, done) => {
    let html: string;
    try {
      // Express passes the page's locals merged into one plain object.
      html = render(filePath, locals as Locals);
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    done(null, html);
  };
}
