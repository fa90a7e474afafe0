import { flushSync } from 'react-dom';
import type { SiblingInfo } from '../chat/branches.ts';
import { useStores } from '../stores/context.tsx';

/** "‹ 2 / 3 ›": the alternatives made by editing or regenerating this message. */
export function BranchSwitcher({ siblings, current }: { siblings: SiblingInfo; current: string }) {
  const { chat } = useStores();
  const go = (delta: number) => {
    const target = siblings.ids[siblings.index - 1 + delta];
    if (!target || target === current) return;
    // Rendered now, not at the end of the event: the message shown is another one (a new element), and the focus
    // follows to its switcher before the next key arrives (a second Enter right away went to the page and was lost).
    flushSync(() => chat.getState().selectBranch(target));
    const switcher = document.querySelector(`.user-message[data-message-id="${target}"] .branch-switcher`);
    const buttons = [...(switcher?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const same = buttons[delta < 0 ? 0 : 1];
    (same && !same.disabled ? same : buttons.find((b) => !b.disabled))?.focus();
  };
  return (
    <span className="branch-switcher" role="group" aria-label="Versions of this message">
      <button type="button" className="action-button" onClick={() => go(-1)} disabled={siblings.index <= 1} aria-label="Previous version">
        ‹
      </button>
      <span className="branch-position" aria-live="polite">
        {siblings.index} / {siblings.count}
      </span>
      <button type="button" className="action-button" onClick={() => go(1)} disabled={siblings.index >= siblings.count} aria-label="Next version">
        ›
      </button>
    </span>
  );
}
