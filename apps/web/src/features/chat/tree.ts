import type { Message } from '@tessera/shared';

/** The message tree of one conversation, indexed for the views the chat pane needs. */
export interface MessageTree {
  byId: Map<string, Message>;
  /** Children of each parent (key '' for the roots), oldest first. */
  children: Map<string, Message[]>;
}

const ROOT = '';

function byCreated(a: Message, b: Message): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function buildTree(messages: readonly Message[]): MessageTree {
  const byId = new Map<string, Message>();
  const children = new Map<string, Message[]>();
  for (const m of messages) {
    byId.set(m.id, m);
    const key = m.parentId ?? ROOT;
    const list = children.get(key);
    if (list) list.push(m);
    else children.set(key, [m]);
  }
  for (const list of children.values()) list.sort(byCreated);
  return { byId, children };
}

export function siblingsOf(tree: MessageTree, message: Message): Message[] {
  return tree.children.get(message.parentId ?? ROOT) ?? [message];
}

/** Follows the newest child at each level down to a leaf. */
export function newestLeaf(tree: MessageTree, from: Message): Message {
  let node = from;
  for (;;) {
    const kids = tree.children.get(node.id);
    const last = kids?.at(-1);
    if (!last) return node;
    node = last;
  }
}

/** The path from the root to the leaf the user looks at (currentLeafId, else the newest branch). */
export function activePath(tree: MessageTree, currentLeafId: string | null): Message[] {
  let leaf = currentLeafId ? tree.byId.get(currentLeafId) : undefined;
  if (!leaf) {
    const root = tree.children.get(ROOT)?.at(-1);
    if (!root) return [];
    leaf = newestLeaf(tree, root);
  } else {
    // A stale leaf id that has since got children (e.g. a reply arrived): follow the newest.
    leaf = newestLeaf(tree, leaf);
  }
  const path: Message[] = [];
  const seen = new Set<string>();
  let node: Message | undefined = leaf;
  while (node && !seen.has(node.id)) {
    seen.add(node.id);
    path.push(node);
    node = node.parentId ? tree.byId.get(node.parentId) : undefined;
  }
  return path.reverse();
}
