export * from './errors.ts';
export * from './auth.ts';
export * from './system.ts';
export * from './billing.ts';
export * from './chat.ts';
export * from './payments.ts';
export * from './provider-keys.ts';
export * from './presets.ts';
