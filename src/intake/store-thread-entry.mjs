// Worker-thread bootstrap: load TypeScript through tsx, then run the store thread.
import { register } from 'tsx/esm/api';

register();
await import('./store-thread.ts');
