import type { FastifyBaseLogger } from 'fastify';
import { textOf } from '@tessera/shared';
import type { Config, Price } from '../config/schema.ts';
import { worstCaseCost, type Usage } from '../billing/pricing.ts';
import type { Charge, ReplyBilling } from '../billing/replies.ts';
import { DEMO_ENDPOINT_ID } from '../providers/demo.ts';
import { estimatePromptTokens } from '../providers/tokenizer.ts';
import { runReply } from './pipeline.ts';
import type { ReplyPlan } from './plan.ts';
import type { ReplyStore } from './reply-store.ts';

const TITLE_MAX_TOKENS = 24;
const DESCRIPTION = 'Conversation title';

export interface Title {
  text: string;
  /** What the title is billed (null: nothing, e.g. the demo, or a provider that refused). */
  charge: Charge | null;
}

function titlePrompt(question: string): string {
  return `Write a title of at most six words for a conversation that starts with the message below. Reply with the title only, no quotes.\n\n${question.slice(0, 2000)}`;
}

/** A model's answer as a title: its first line, without quotes, markdown or a final period. */
function cleaned(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^["'“”\s#*]+|["'“”\s.*]+$/g, '').slice(0, 100);
}

export interface TitlerDeps {
  billing: ReplyBilling;
  store: ReplyStore;
  config: Config;
  log: FastifyBaseLogger;
}

/** Names new conversations with a short title written by the conversation's own model. */
export function createTitler({ billing, store, config, log }: TitlerDeps) {
  return {
    /** The worst case of a title for `question`, held together with the reply (0: not billed). */
    async holdFor(plan: Pick<ReplyPlan, 'wantsTitle' | 'endpointId' | 'question'>, price: Price): Promise<number> {
      if (!plan.wantsTitle || !config.billing.enabled || plan.endpointId === DEMO_ENDPOINT_ID) return 0;
      return worstCaseCost(await estimatePromptTokens([titlePrompt(plan.question)]), TITLE_MAX_TOKENS, price);
    },

    /** A short title from the first question, written by the conversation's model; null when it fails. */
    async request(plan: ReplyPlan): Promise<Title | null> {
      if (plan.endpointId === DEMO_ENDPOINT_ID)
        return { text: cleaned(plan.question.split(/\s+/).slice(0, 6).join(' ')), charge: null };
      const prompt = titlePrompt(plan.question);
      const outcome = await runReply({
        call: {
          model: plan.model,
          price: plan.price,
          messages: [{ role: 'user', content: prompt }],
          maxOutputTokens: TITLE_MAX_TOKENS,
          promptTokens: await estimatePromptTokens([prompt]),
        },
        hold: null,
        whole: true,
        description: DESCRIPTION,
        abort: new AbortController(),
        idleTimeoutSeconds: config.chat.idleTimeoutSeconds,
      });
      const usage: Usage | null = outcome.steps[0]?.usage ?? null;
      const charge = usage ? { usage, price: plan.price, description: DESCRIPTION } : null;
      if (outcome.failure) {
        log.warn({ err: outcome.failure }, 'could not write a title');
        // A provider that failed after accepting the request is still owed what it read.
        return charge ? { text: '', charge } : null;
      }
      // An empty title is billed like any answer the provider was paid for, but not written.
      return { text: cleaned(textOf(outcome.parts)), charge };
    },

    /**
     * Waits for the title after the reply has ended, for a short while (`chat.titleWaitMs`), so it is
     * settled and saved with the reply; undefined when it is slower than that (null: it failed).
     */
    async awaitBriefly(titling: Promise<Title | null>): Promise<Title | null | undefined> {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), config.chat.titleWaitMs);
      });
      try {
        return await Promise.race([titling, late]);
      } finally {
        clearTimeout(timer);
      }
    },

    /**
     * A title that came after its reply had been settled: charged on its own (a hold of nothing, then a
     * settlement that takes what the balance allows and records the rest) and written unless the user
     * has named the conversation meanwhile.
     */
    async finishLate(plan: ReplyPlan, userId: string, titling: Promise<Title | null>): Promise<void> {
      const title = await titling;
      if (!title) return;
      try {
        if (title.charge && (await this.holdFor(plan, plan.price)) > 0) {
          await billing.chargeAfter(userId, title.charge, {
            endpoint: plan.endpointId,
            model: plan.modelId,
            conversationId: plan.conversationId,
          });
        }
        if (title.text) await store.setTitle(plan.conversationId, title.text);
      } catch (error) {
        log.warn({ err: error }, 'could not save a late title');
      }
    },
  };
}

export type Titler = ReturnType<typeof createTitler>;
