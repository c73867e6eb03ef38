import type { Me } from '@tessera/shared';
import { ChatView } from '../features/chat/ChatView.tsx';

/** "/" (a new chat) and "/c/:conversationId". */
export function ChatPage({ user, conversationId }: { user: Me; conversationId?: string }) {
  return <ChatView key={conversationId ?? 'new'} user={user} conversationId={conversationId} />;
}
