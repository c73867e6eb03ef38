import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { MessagePart, StreamedPartType } from '@tessera/shared';
import type { Price } from '../config/schema.ts';
import { billedUsage, type ReplyHold } from '../billing/replies.ts';
import { addUsage, type Usage } from '../billing/pricing.ts';
import { readReply, readWholeReply, type ReplyOptions } from '../providers/stream.ts';
import { IdleTimeoutError } from './provider-errors.ts';

/** The model call of one step: what the provider is sent, and what the call is priced and estimated at. */
export interface ModelCall extends Omit<ReplyOptions, 'abortSignal'> {
  model: LanguageModelV3;
  price: Price;
  /** The prompt's token estimate (billed when the provider reports no usage). */
  promptTokens: number;
}

/** What one step did: today a model call; tool calls will be steps of their own. */
export interface StepRecord {
  kind: 'model';
  /** What the step is billed for (null: the provider refused before accepting: nothing is owed). */
  usage: Usage | null;
  finishReason: string | null;
}

export interface ReplyOutcome {
  /** The message's parts: those it started with (a continued reply), then what the steps wrote. */
  parts: MessagePart[];
  steps: StepRecord[];
  finishReason: string | null;
  /** null: finished; 'stopped': stopped by the user, a disconnect or a shutdown; else what failed. */
  failure: unknown;
  /** Whether any new text or reasoning arrived. */
  generated: boolean;
  ttftMs: number | null;
}

export interface ReplyRun {
  call: ModelCall;
  /** Pays for the steps: each step's usage is charged to it as the step ends. */
  hold: ReplyHold | null;
  /** What the chain is billed as on the ledger. */
  description: string;
  /** Aborted with 'stopped' to stop the reply (the user, a disconnect, a shutdown). */
  abort: AbortController;
  idleTimeoutSeconds: number;
  /** The parts the message already has (continue). */
  parts?: MessagePart[];
  /** Called for every piece of streamed text, with the index of the part it belongs to. */
  onDelta?: (index: number, kind: StreamedPartType, text: string) => void;
  /** Changes the first text of the reply before it is recorded (a continuation's leading space). */
  firstText?: (text: string) => string;
  /** Called once, when the first text or reasoning arrives. */
  onFirstToken?: () => void;
  /** Ask for the whole answer at once instead of a stream (nobody watches it arrive: titles, /v1 without stream). */
  whole?: boolean;
}

/**
 * Runs a reply's steps — plan and hold are done by the caller; settlement, saving and events after —
 * and records each step with its usage. Today a reply is one step, a model call; a tool step (tools
 * issue) will run when a model step ends asking for tools, followed by another model step, each charged
 * to the same hold. The web chat, regenerate/continue, titles and /v1 all run this.
 */
export async function runReply(run: ReplyRun): Promise<ReplyOutcome> {
  const started = performance.now();
  const parts: MessagePart[] = run.parts ? structuredClone(run.parts) : [];
  let ttftMs: number | null = null;
  let generated = '';
  let finishReason: string | null = null;
  let reported: Usage | null = null;
  let failure: unknown = null;
  let accepted = true;
  let wroteText = false;
  const { abort } = run;

  // One timer per reply, pushed back by every part (refresh() re-arms it without a new timer).
  const idle = setTimeout(
    () => abort.abort(new IdleTimeoutError(run.idleTimeoutSeconds)),
    run.idleTimeoutSeconds * 1000,
  );
  const append = (kind: StreamedPartType, text: string) => {
    const last = parts.at(-1);
    const index = last?.type === kind ? parts.length - 1 : parts.length;
    if (index === parts.length) parts.push({ type: kind, text });
    else (last as { text: string }).text += text;
    run.onDelta?.(index, kind, text);
  };
  try {
    const read = run.whole ? readWholeReply : readReply;
    await read(run.call.model, { ...run.call, abortSignal: abort.signal }, (part) => {
      idle.refresh();
      if (part.type === 'text' || part.type === 'reasoning') {
        let text = part.text;
        if (ttftMs === null) {
          ttftMs = Math.round(performance.now() - started);
          run.onFirstToken?.();
        }
        if (part.type === 'text' && !wroteText) {
          wroteText = true;
          if (run.firstText) text = run.firstText(text);
        }
        generated += text;
        append(part.type, text);
      } else if (part.type === 'finish') {
        finishReason = part.finishReason;
        reported = part.usage;
      } else {
        failure = abort.signal.aborted ? (abort.signal.reason ?? 'stopped') : part.error;
        accepted = part.accepted;
      }
    });
    if (!failure && abort.signal.aborted) failure = abort.signal.reason ?? 'stopped';
  } finally {
    clearTimeout(idle);
  }
  const usage = await billedUsage({ accepted, reported, promptTokens: run.call.promptTokens, text: generated });
  if (usage) run.hold?.charge({ usage, price: run.call.price, description: run.description });
  return {
    parts,
    steps: [{ kind: 'model', usage, finishReason }],
    finishReason,
    failure,
    generated: generated !== '',
    ttftMs,
  };
}

/** The usage of all a reply's steps together; null when none of them is billed. */
export function usageOf(steps: StepRecord[]): Usage | null {
  const billed = steps.flatMap((step) => (step.usage ? [step.usage] : []));
  return billed.length === 0 ? null : billed.reduce(addUsage);
}
