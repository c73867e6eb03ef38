import { ModelPicker } from '../chat/ModelPicker.tsx';
import { BalancePanel } from '../credits/BalancePanel.tsx';

/**
 * Extension points of the app shell. Each later feature fills one of these from its own folder
 * (so it can be read, changed or removed as one piece) without reshaping the layout.
 */

/** Top of the sidebar footer: balance, "Claim tokens" countdown and "Buy tokens" (features/credits). */
export function SidebarBalanceSlot({ onNavigate }: { onNavigate?: () => void }) {
  return <BalancePanel onNavigate={onNavigate} />;
}

/** Main pane header: the model picker across providers (features/chat). */
export function ModelPickerSlot() {
  return <ModelPicker />;
}
