// Worker-thread bootstrap: load TypeScript through tsx, then run the parse thread.
import { register } from 'tsx/esm/api';

register();
await import('./parse-thread.ts');
