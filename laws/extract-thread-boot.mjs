// The extraction thread's entry: the platform runs TypeScript through tsx, whose loader a worker
// thread does not inherit, so the thread registers it before loading extract-thread.ts.
import { register } from 'tsx/esm/api';

register();
await import('./extract-thread.ts');
