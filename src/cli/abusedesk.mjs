#!/usr/bin/env node
// Entry point for `npx abusedesk` / `npm start`. Runs the compiled bundle (src/cli/build-cli.mjs, built at
// `npm install`) when it matches the sources, else builds it first; if that is impossible (a read-only
// install, a source that does not compile), loads the TypeScript sources through tsx, which reports the
// error. ABUSEDESK_NO_BUNDLE=1 always uses the sources.
import { existsSync } from 'node:fs';
import { bundleEntry, buildCli } from './build-cli.mjs';

// `abusedesk … | head` closes our stdout early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  else throw e;
});

async function loadMain() {
  if (process.env.ABUSEDESK_NO_BUNDLE !== '1') {
    try {
      const entry = bundleEntry();
      return await import(existsSync(entry) ? entry : await buildCli(entry));
    } catch {
      // fall through to the sources
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('./main.ts');
}

const { main } = await loadMain();
process.exitCode = await main(process.argv);
