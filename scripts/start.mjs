// `npm start`: build the web app if it is missing or stale, then run the server (TypeScript via tsx) in this process.
import './build-web.mjs';
import { register } from 'tsx/esm/api';

register();
await import('../apps/server/src/main.ts');
