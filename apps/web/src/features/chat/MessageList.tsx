import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { MessageItem, type MessageActions, type MessageView } from './MessageItem.tsx';
import { streamStore } from './stream-store.ts';

/**
 * The active branch, virtualised (dynamic heights) so that a 10,000-message conversation opens and
 * scrolls smoothly. Sticks to the bottom while a reply grows unless the user scrolled up.
 */
export function MessageList({
  views,
  actions,
  conversationKey,
  footer,
}: {
  views: MessageView[];
  actions: MessageActions;
  /** Changes when another conversation is shown: jump to its end. */
  conversationKey: string;
  footer?: ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const virtualizer = useVirtualizer({
    count: views.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 120,
    overscan: 6,
    getItemKey: (i) => views[i]?.message.id ?? i,
  });

  const toBottom = useCallback(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  // A new conversation: start at its end.
  useLayoutEffect(() => {
    stick.current = true;
    if (views.length) virtualizer.scrollToIndex(views.length - 1, { align: 'end' });
  }, [conversationKey]);

  // New messages (sent or started) bring the view down when it was at the bottom.
  useEffect(() => {
    if (stick.current) requestAnimationFrame(toBottom);
  }, [views.length, toBottom]);

  // Streaming text grows the last item: follow it.
  useEffect(
    () =>
      streamStore.subscribeAny(() => {
        if (stick.current) requestAnimationFrame(toBottom);
      }),
    [toBottom],
  );

  const totalSize = virtualizer.getTotalSize();
  useEffect(() => {
    if (stick.current) toBottom();
  }, [totalSize, toBottom]);

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scrollRef}
      className="min-h-0 flex-1 overflow-y-auto overscroll-contain"
      data-testid="message-scroller"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      <div className="relative mx-auto w-full max-w-3xl px-4" style={{ height: totalSize }}>
        <div className="absolute inset-x-4 top-0" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
          {items.map((item) => {
            const view = views[item.index];
            if (!view) return null;
            return (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="py-3">
                <MessageItem view={view} actions={actions} />
              </div>
            );
          })}
        </div>
      </div>
      {footer ? <div className="mx-auto w-full max-w-3xl px-4 pb-4">{footer}</div> : null}
    </div>
  );
}
