import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The abusedesk package root: the nearest directory above this module whose package.json is ours. Found by
 * walking up, so data files, migrations and templates resolve the same whether the code runs from `src/`
 * through tsx or from the compiled CLI bundle under node_modules/.cache.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'abusedesk')
          return dir;
      } catch {
        // An unreadable manifest is not ours: keep walking.
      }
    }
    if (dirname(dir) === dir) throw new Error(`abusedesk: cannot find the package root above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. projectPath('data', 'providers.json'). */
export function projectPath(...segments: string[]): string {
  return join(PROJECT_ROOT, ...segments);
}

/** The same as a file: URL (ends with "/" when the last segment does, for directory URLs). */
export function projectUrl(...segments: string[]): URL {
  const url = pathToFileURL(projectPath(...segments));
  return segments.at(-1)?.endsWith('/') === true && !url.href.endsWith('/') ? new URL(`${url.href}/`) : url;
}

/**
 * Loads an optional CommonJS dependency (a native addon such as libpq), or explains what is missing: the
 * embedded SQLite default never needs it.
 */
export function requireOptional<T>(name: string, why: string): T {
  const require = createRequire(import.meta.url);
  try {
    return require(name) as T;
  } catch (e) {
    throw new Error(
      `${why} needs the optional module ${name}, which is not installed or did not build (${(e as Error).message.split('\n')[0]}): install libpq-dev (pg_config) and run npm install`,
      { cause: e },
    );
  }
}
