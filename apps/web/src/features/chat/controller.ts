import type { ChatEvent, ChatRequest, Conversation, ConversationWithMessages, Message } from '@tessera/shared';
import type { QueryClient } from '@tanstack/react-query';
import { creditKeys, setBalance } from '../../lib/balance.ts';
import { chatKeys, stopMessage, updateConversationCache, updateListCache, upsertMessages } from './api.ts';
import { postChat, resumeChat } from './sse.ts';
import { partsOf, streamStore, type OutputLimitNotice } from './stream-store.ts';

/**
 * Generations in flight in this tab, by assistant message id. Module state (not component state) so
 * that a stream survives navigation from "/" to "/c/:id" and re-renders of the chat pane.
 */
const active = new Map<string, AbortController>();

export function isStreamingHere(messageId: string): boolean {
  return active.has(messageId);
}

export interface GenerationCallbacks {
  onStart?: (conversation: Conversation, assistant: Message) => void;
  onRequestError?: (error: unknown) => void;
}

function handler(
  qc: QueryClient,
  controller: AbortController,
  known: { conversationId?: string; assistantId?: string },
  cb: GenerationCallbacks,
) {
  let finished = false;
  // A notice that came before the reply's id was known (the server decides the limit before it starts).
  let earlyNotice: OutputLimitNotice | null = null;

  const finish = (message: Message) => {
    finished = true;
    // A newer generation of the same message (continue) owns it now: this late event is stale.
    const owner = active.get(message.id);
    if (owner && owner !== controller) return;
    const conversationId = known.conversationId ?? message.conversationId;
    updateConversationCache(qc, conversationId, (data) => {
      const previous = data.messages.find((m) => m.id === message.id);
      const added = (message.cost ?? 0) - (previous?.cost ?? 0);
      const next = upsertMessages(data, message);
      return added
        ? { ...next, conversation: { ...next.conversation, totalCost: next.conversation.totalCost + added } }
        : next;
    });
    streamStore.delete(message.id);
    active.delete(message.id);
  };

  const onEvent = (event: ChatEvent) => {
    switch (event.type) {
      case 'start': {
        const { conversation, userMessage, assistantMessage } = event;
        known.conversationId = conversation.id;
        known.assistantId = assistantMessage.id;
        active.set(assistantMessage.id, controller);
        streamStore.start(assistantMessage.id, partsOf(assistantMessage));
        if (earlyNotice) streamStore.notice(assistantMessage.id, earlyNotice);
        const fresh = [userMessage, assistantMessage].filter((m): m is Message => !!m);
        const withLeaf = { ...conversation, currentLeafId: assistantMessage.id };
        const existing = qc.getQueryData<ConversationWithMessages>(chatKeys.conversation(conversation.id));
        qc.setQueryData<ConversationWithMessages>(
          chatKeys.conversation(conversation.id),
          existing
            ? {
                ...upsertMessages(existing, ...fresh),
                conversation: { ...withLeaf, totalCost: existing.conversation.totalCost },
              }
            : { conversation: withLeaf, messages: fresh },
        );
        updateListCache(qc, conversation);
        cb.onStart?.(conversation, assistantMessage);
        return;
      }
      case 'snapshot': {
        known.conversationId ??= event.message.conversationId;
        known.assistantId = event.message.id;
        streamStore.snapshot(event.message.id, partsOf(event.message));
        return;
      }
      case 'delta':
        if (known.assistantId) streamStore.delta(known.assistantId, event.index, event.part, event.text);
        return;
      case 'part':
        if (known.assistantId) streamStore.part(known.assistantId, event.index, event.part);
        return;
      case 'notice': {
        const notice = { code: event.code, maxOutputTokens: event.maxOutputTokens, requested: event.requested };
        if (known.assistantId) streamStore.notice(known.assistantId, notice);
        else earlyNotice = notice;
        return;
      }
      case 'done':
        finish(event.message);
        if (typeof event.balance === 'number') setBalance(qc, event.balance);
        return;
      case 'error':
        finish({ ...event.message, status: 'error', error: event.message.error ?? event.error });
        // What arrived before the failure was charged; the error event carries no balance.
        void qc.invalidateQueries({ queryKey: creditKeys.balance });
        return;
      case 'title': {
        updateConversationCache(qc, event.conversationId, (d) => ({
          ...d,
          conversation: { ...d.conversation, title: event.title },
        }));
        const data = qc.getQueryData<ConversationWithMessages>(chatKeys.conversation(event.conversationId));
        if (data) updateListCache(qc, data.conversation);
        else void qc.invalidateQueries({ queryKey: chatKeys.conversations });
        return;
      }
    }
  };

  /** The connection ended: if no final event came, re-read the tree (the page then reconnects). */
  const onEnd = () => {
    if (finished || controller.signal.aborted) return;
    const id = known.assistantId;
    if (id) {
      active.delete(id);
      streamStore.delete(id);
    }
    if (known.conversationId) void qc.invalidateQueries({ queryKey: chatKeys.conversation(known.conversationId) });
  };

  return { onEvent, onEnd };
}

export function generate(qc: QueryClient, body: ChatRequest, cb: GenerationCallbacks = {}): void {
  const controller = new AbortController();
  const known: { conversationId?: string; assistantId?: string } = {};
  if (body.action === 'send' && body.conversationId) known.conversationId = body.conversationId;
  const { onEvent, onEnd } = handler(qc, controller, known, cb);
  postChat(body, onEvent, controller.signal).then(onEnd, (error: unknown) => {
    if (controller.signal.aborted) return;
    if (known.assistantId) onEnd();
    else cb.onRequestError?.(error);
  });
}

/** Follows a reply that is being generated (after a reload, or in a second tab). */
export function resume(qc: QueryClient, conversationId: string, messageId: string): void {
  if (active.has(messageId)) return;
  const controller = new AbortController();
  active.set(messageId, controller);
  const known = { conversationId, assistantId: messageId };
  const { onEvent, onEnd } = handler(qc, controller, known, {});
  resumeChat(messageId, onEvent, controller.signal).then(onEnd, () => {
    if (controller.signal.aborted) return;
    active.delete(messageId);
    streamStore.delete(messageId);
    // The generation may have ended meanwhile: show what the server saved.
    void qc.invalidateQueries({ queryKey: chatKeys.conversation(conversationId) });
  });
}

export async function stop(qc: QueryClient, conversationId: string, messageId: string): Promise<void> {
  // Continue re-uses the message id: only touch the generation that was running when Stop was pressed.
  const controller = active.get(messageId);
  const current = () => active.get(messageId) === controller;
  try {
    const saved = await stopMessage(messageId);
    if (current()) updateConversationCache(qc, conversationId, (d) => upsertMessages(d, saved));
  } catch {
    if (current()) void qc.invalidateQueries({ queryKey: chatKeys.conversation(conversationId) });
  }
  controller?.abort();
  if (current()) {
    active.delete(messageId);
    streamStore.delete(messageId);
  }
  void qc.invalidateQueries({ queryKey: creditKeys.balance });
}
