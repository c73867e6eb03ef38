import type { ModelParams } from '@tessera/shared';
import { MODEL_PARAM_LIMITS } from '@tessera/shared/constants';

export type ParamKey = keyof ModelParams;

export interface ParamSpec {
  key: ParamKey;
  min: number;
  max: number;
  step: number;
  integer: boolean;
  /** Where a slider rests while the value is "default" (the usual provider default). */
  resting: number;
  slider: boolean;
}

/** The tunable parameters, their ranges read from the shared contract. */
export const PARAM_SPECS: readonly ParamSpec[] = [
  { key: 'temperature', ...MODEL_PARAM_LIMITS.temperature, step: 0.05, resting: 1, slider: true },
  { key: 'topP', ...MODEL_PARAM_LIMITS.topP, step: 0.01, resting: 1, slider: true },
  { key: 'maxOutputTokens', ...MODEL_PARAM_LIMITS.maxOutputTokens, step: 1, resting: 0, slider: false },
];

export interface SettingsValue {
  systemPrompt: string | null;
  params: ModelParams;
}

/** Is anything set away from the defaults? */
export function isCustomized({ systemPrompt, params }: SettingsValue): boolean {
  return !!systemPrompt?.trim() || Object.values(params).some((v) => v !== undefined);
}

/** Only the keys that are set (a value of undefined never reaches the server). */
export function cleanParams(params: ModelParams): ModelParams {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as ModelParams;
}
