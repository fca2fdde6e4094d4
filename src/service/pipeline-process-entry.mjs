// Child-process bootstrap: load TypeScript through tsx, then run the pipeline process.
import { register } from 'tsx/esm/api';

register();
await import('./pipeline-process-main.ts');
