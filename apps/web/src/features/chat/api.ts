import type {
  Conversation,
  ConversationPage,
  ConversationWithMessages,
  Message,
  ModelsResponse,
  UpdateConversation,
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
  /** Under `conversations`, so invalidating the sidebar list refreshes this one too. */
  archived: ['conversations', 'archived'] as const,
  conversation: (id: string) => ['conversation', id] as const,
};

export function useModels() {
  return useQuery({
    queryKey: chatKeys.models,
    queryFn: ({ signal }) => request<ModelsResponse>('/api/models', { signal }),
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
      return request<ConversationPage>(`/api/conversations?${q}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Chats started in another tab or on another device show up when this tab is looked at again
    // (however recently it was read). ConversationList also refetches on window focus.
    refetchOnWindowFocus: 'always',
  });
}

/** Reads the sidebar list again, joining a read already under way instead of restarting it. */
export function refetchConversations(qc: QueryClient) {
  return qc.refetchQueries({ queryKey: chatKeys.conversations, exact: true, type: 'active' }, { cancelRefetch: false });
}

/** Archived conversations, newest first, page by page. */
export function useArchivedConversations(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: chatKeys.archived,
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams({ archived: 'true', limit: '30' });
      if (pageParam) q.set('cursor', pageParam);
      return request<ConversationPage>(`/api/conversations?${q}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
    // Read afresh whenever the archive is opened.
    staleTime: 0,
  });
}

/** The whole tree. The chat pane keeps it up to date from stream events, so it never goes stale by itself. */
export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: chatKeys.conversation(id ?? ''),
    queryFn: ({ signal }) =>
      request<ConversationWithMessages>(`/api/conversations/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: !!id,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

export function patchConversation(id: string, body: UpdateConversation) {
  return request<Conversation>(`/api/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body });
}

/**
 * The model picked inside a conversation: its next messages use it at once (the cache), and it is
 * saved so the conversation opens with it again. A failed save puts the previous one back.
 */
export async function setConversationModel(
  qc: QueryClient,
  id: string,
  choice: { endpoint: string; model: string },
): Promise<void> {
  const before = qc.getQueryData<ConversationWithMessages>(chatKeys.conversation(id))?.conversation;
  const apply = (c: { endpoint: string | null; model: string | null }) =>
    updateConversationCache(qc, id, (d) => ({
      ...d,
      conversation: { ...d.conversation, endpoint: c.endpoint, model: c.model },
    }));
  apply(choice);
  try {
    await patchConversation(id, choice);
  } catch (error) {
    const now = qc.getQueryData<ConversationWithMessages>(chatKeys.conversation(id))?.conversation;
    if (before && now?.endpoint === choice.endpoint && now.model === choice.model) apply(before);
    throw error;
  }
}

export function stopMessage(id: string) {
  return request<Message>(`/api/chat/${encodeURIComponent(id)}/stop`, { method: 'POST', body: {} });
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
  // A read of the list under way (the window just got focus) may have started before this change was
  // saved, and its answer would undo it here: read again instead.
  if (qc.isFetching({ queryKey: chatKeys.conversations, exact: true }) > 0)
    void qc.invalidateQueries({ queryKey: chatKeys.conversations, exact: true });
}

/** Keeps the archived list in step: archived ones in it (where they are), the rest out. */
export function updateArchivedCache(qc: QueryClient, conversation: Conversation | { id: string; removed: true }) {
  qc.setQueryData<InfiniteData<ConversationPage, string>>(chatKeys.archived, (data) => {
    if (!data) return data;
    const keep = !('removed' in conversation) && conversation.archived;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.flatMap((item) =>
          item.id !== conversation.id ? [item] : keep ? [conversation as Conversation] : [],
        ),
      })),
    };
  });
}

export function useUpdateConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateConversation }) => patchConversation(id, body),
    onSuccess: (conversation, { body }) => {
      updateListCache(qc, conversation);
      updateArchivedCache(qc, conversation);
      updateConversationCache(qc, conversation.id, (d) => ({ ...d, conversation }));
      // Pinning and (un)archiving move it within or between the lists: read them again in order.
      if (body.pinned !== undefined || body.archived !== undefined)
        void qc.invalidateQueries({ queryKey: chatKeys.conversations });
    },
  });
}

/** A copy of a conversation with all its branches (POST …/duplicate). */
export function duplicateConversation(id: string) {
  return request<Conversation>(`/api/conversations/${encodeURIComponent(id)}/duplicate`, { method: 'POST', body: {} });
}

/** A new conversation from a message: its branch, or with the branches below it too (POST …/fork). */
export function forkConversation(id: string, messageId: string, includeBranches: boolean) {
  return request<Conversation>(`/api/conversations/${encodeURIComponent(id)}/fork`, {
    method: 'POST',
    body: { messageId, includeBranches },
  });
}

export function useDeleteConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (_, id) => {
      updateListCache(qc, { id, removed: true });
      updateArchivedCache(qc, { id, removed: true });
      qc.removeQueries({ queryKey: chatKeys.conversation(id) });
    },
  });
}
