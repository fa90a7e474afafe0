import { useEffect, useRef, type KeyboardEvent } from 'react';
import { MAX_MESSAGE_CHARS } from '../../../shared/protocol.ts';
import { useStores, useUi } from '../stores/context.tsx';

/**
 * Enter sends, Shift+Enter starts a new line, Escape stops the answer being
 * written. While an answer streams, a new message is queued: the server
 * answers it next (the default `enqueue` strategy).
 */
export function Composer({ streaming, stopping, focusKey }: { streaming: boolean; stopping: boolean; focusKey: string | null }) {
  const { chat, ui } = useStores();
  const draft = useUi((s) => s.draft);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    ref.current?.focus();
  }, [focusKey]);

  // Grow with the text, up to the CSS max-height.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [draft]);

  async function submit() {
    const text = ui.getState().draft;
    if (!text.trim()) return;
    ui.getState().setDraft('');
    const sent = await chat.getState().send(text);
    if (!sent && !ui.getState().draft) ui.getState().setDraft(text);
    ref.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter also confirms a Chinese (IME) composition; that must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      void submit();
    }
  }

  const tooLong = draft.length > MAX_MESSAGE_CHARS;
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor="composer-input" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={ref}
        rows={1}
        value={draft}
        onChange={(e) => ui.getState().setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={streaming ? 'Ask a follow-up — it is answered after the current reply' : 'Ask about your mail and daily reports'}
        aria-describedby="composer-hint"
        aria-invalid={tooLong}
      />
      <div className="composer-actions">
        <span id="composer-hint" className="composer-hint">
          {tooLong
            ? `${draft.length} / ${MAX_MESSAGE_CHARS} characters — too long to send`
            : stopping
              ? 'Stopping… (sent as soon as the connection is back)'
              : streaming
                ? 'Enter queues · Esc stops'
                : 'Enter to send · Shift+Enter for a new line'}
        </span>
        {streaming ? (
          <button
            type="button"
            className="button button-stop"
            disabled={stopping}
            onClick={() => {
              // The button goes away when the answer ends: keep the focus where the next message is written.
              ref.current?.focus();
              void chat.getState().stopRun();
            }}
            aria-keyshortcuts="Escape"
          >
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : null}
        <button type="submit" className="button button-primary" disabled={!draft.trim() || tooLong}>
          {streaming ? 'Queue' : 'Send'}
        </button>
      </div>
    </form>
  );
}
