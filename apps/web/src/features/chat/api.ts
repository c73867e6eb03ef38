import {
  conversationPageSchema,
  conversationSchema,
  conversationWithMessagesSchema,
  messageSchema,
  modelsResponseSchema,
  type Conversation,
  type ConversationPage,
  type ConversationWithMessages,
  type Message,
  type UpdateConversation,
} from '@tessera/shared';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { request } from '../../lib/api.ts';

export const chatKeys = {
  models: ['models'] as const,
  conversations: ['conversations'] as const,
  conversation: (id: string) => ['conversation', id] as const,
};

export function useModels() {
  return useQuery({
    queryKey: chatKeys.models,
    queryFn: ({ signal }) => request('/api/models', { schema: modelsResponseSchema, signal }),
    staleTime: 5 * 60_000,
  });
}

export function useConversations() {
  return useInfiniteQuery({
    queryKey: chatKeys.conversations,
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ archived: 'false', limit: '30' });
      if (pageParam) q.set('cursor', pageParam);
      return request(`/api/conversations?${q}`, { schema: conversationPageSchema, signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The whole tree. The chat pane keeps it up to date from stream events, so it never goes stale by itself. */
export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: chatKeys.conversation(id ?? ''),
    queryFn: ({ signal }) =>
      request(`/api/conversations/${encodeURIComponent(id ?? '')}`, { schema: conversationWithMessagesSchema, signal }),
    enabled: !!id,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

export function patchConversation(id: string, body: UpdateConversation) {
  return request(`/api/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body, schema: conversationSchema });
}

export function stopMessage(id: string) {
  return request(`/api/chat/${encodeURIComponent(id)}/stop`, { method: 'POST', body: {}, schema: messageSchema });
}

/** Cache helpers: every change the stream reports goes through these. */
export function updateConversationCache(
  qc: QueryClient,
  id: string,
  update: (data: ConversationWithMessages) => ConversationWithMessages,
) {
  qc.setQueryData<ConversationWithMessages>(chatKeys.conversation(id), (data) => (data ? update(data) : data));
}

export function upsertMessages(data: ConversationWithMessages, ...messages: Message[]): ConversationWithMessages {
  const next = data.messages.slice();
  for (const m of messages) {
    const i = next.findIndex((x) => x.id === m.id);
    if (i >= 0) next[i] = m;
    else next.push(m);
  }
  return { ...data, messages: next };
}

/** Puts a changed conversation into the sidebar list (or drops it when archived/deleted). */
export function updateListCache(qc: QueryClient, conversation: Conversation | { id: string; removed: true }) {
  qc.setQueryData<InfiniteData<ConversationPage, string>>(chatKeys.conversations, (data) => {
    if (!data) return data;
    const removed = 'removed' in conversation || conversation.archived || conversation.temporary;
    let found = false;
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.flatMap((item) => {
        if (item.id !== conversation.id) return [item];
        found = true;
        return removed ? [] : [conversation as Conversation];
      }),
    }));
    if (!found && !removed && pages[0]) {
      pages[0] = { ...pages[0], items: [conversation as Conversation, ...pages[0].items] };
    }
    return { ...data, pages };
  });
}

export function useUpdateConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateConversation }) => patchConversation(id, body),
    onSuccess: (conversation, { body }) => {
      updateListCache(qc, conversation);
      updateConversationCache(qc, conversation.id, (d) => ({ ...d, conversation }));
      if (body.pinned !== undefined) void qc.invalidateQueries({ queryKey: chatKeys.conversations });
    },
  });
}

export function useDeleteConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (_, id) => {
      updateListCache(qc, { id, removed: true });
      qc.removeQueries({ queryKey: chatKeys.conversation(id) });
    },
  });
}
