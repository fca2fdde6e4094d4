#!/usr/bin/env node
// Entry point for `npx abusedesk` / `npm start`: loads the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
// `abusedesk … | head` closes our stdout early: that is not an error.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
