import type { Me } from '@tessera/shared';

/** The signed-in user a request acts for, whether it came with a session cookie or an API key. */
export type AuthUser = Me;
