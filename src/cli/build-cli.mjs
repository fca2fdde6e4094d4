// Compiles the CLI (at `npm install`, and again when a source changed) into an ESM bundle with a chunk per
// lazily loaded command, so `abusedesk --help` and `abusedesk tickets list` start without transpiling
// TypeScript on every run. Dependencies stay external (node_modules); resources are found from the package
// root (src/runtime/project-root.ts), so the bundle can live under node_modules/.cache.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(root, 'node_modules', '.cache', 'abusedesk-cli');

/** Newest modification time of anything the bundle is made of: sources, bundled data files, package.json. */
function newestSource() {
  let newest = statSync(join(root, 'package.json')).mtimeMs;
  for (const dir of ['src', 'data']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(ts|mjs|json)$/.test(entry.name))
        newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * Where the bundle for the current sources lives: one directory per source state, so a stale bundle is never
 * used and concurrent runs that build at once agree on the result.
 */
export function bundleEntry() {
  return join(cacheDir, Math.floor(newestSource()).toString(36), 'main.mjs');
}

/** Builds the bundle at `entry` (into a temporary directory, renamed into place) and prunes older ones. */
export async function buildCli(entry = bundleEntry(), logLevel = 'silent') {
  const { build } = await import('esbuild');
  const target = dirname(entry);
  const tmp = `${target}.tmp-${process.pid}`;
  await build({
    entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel,
  });
  mkdirSync(cacheDir, { recursive: true });
  if (existsSync(target)) rmSync(tmp, { recursive: true, force: true });
  else renameSync(tmp, target);
  for (const old of readdirSync(cacheDir)) {
    if (join(cacheDir, old) !== target) rmSync(join(cacheDir, old), { recursive: true, force: true });
  }
  return entry;
}

// `npm install` runs this (the prepare script). A failed build must not fail the install: the CLI then
// loads the sources through tsx, which reports the error where it is.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildCli(bundleEntry(), 'error');
  } catch (error) {
    process.stderr.write(
      `abusedesk: the CLI bundle was not built (${error.message.split('\n')[0]}); the CLI will run from the sources\n`,
    );
  }
}
