import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', '..', 'src');

describe('resource paths', () => {
  // The CLI runs from a bundle under node_modules/.cache, where a module's own URL says nothing about where
  // data files, migrations or other entry points are: only src/runtime/project-root.ts may use it.
  it('resolves files from the package root, never from import.meta.url', () => {
    const offenders = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('runtime/'))
      .filter((f) => /import\.meta\.(url|dirname|filename)/.test(readFileSync(join(src, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
