/**
 * Decides, while a model turn streams, whether its text is the answer or the
 * line a model writes before choosing tools ("Let me search your mail…").
 * Providers stream text before tool calls, so text is held back until it is
 * clearly an answer: a second line starts, it grows past `holdbackChars`, or
 * the turn ends without tool calls. Text held when tool calls appear becomes a
 * tool_selection thought. Held deltas are released one by one, so answers
 * still stream token by token.
 */
export const DEFAULT_HOLDBACK_CHARS = 120;

export class TurnText {
  private held: string[] = [];
  private heldChars = 0;
  private committed = false;
  private toolCallsSeen = false;
  /** Text that turned out to precede tool calls. */
  thought = '';

  constructor(private readonly holdbackChars = DEFAULT_HOLDBACK_CHARS) {}

  /** Feeds one chunk; returns the answer deltas to stream now. */
  push(text: string, hasToolCalls: boolean): string[] {
    if (hasToolCalls && !this.toolCallsSeen) {
      this.toolCallsSeen = true;
      if (!this.committed) this.thought += this.takeHeld().join('');
    }
    if (!text) return [];
    if (this.committed) return [text];
    if (this.toolCallsSeen) {
      this.thought += text;
      return [];
    }
    this.held.push(text);
    this.heldChars += text.length;
    if (this.heldChars >= this.holdbackChars || /\n\s*\S/.test(this.held.join('').trimStart())) {
      this.committed = true;
      return this.takeHeld();
    }
    return [];
  }

  /** The turn is over: held text is the answer unless the turn called tools. */
  end(hasToolCalls: boolean): string[] {
    if (hasToolCalls) {
      if (!this.committed) this.thought += this.takeHeld().join('');
      return [];
    }
    return this.takeHeld();
  }

  /** The run stopped mid-turn: whatever is held is kept as (partial) answer. */
  flush(): string[] {
    return this.toolCallsSeen ? [] : this.takeHeld();
  }

  private takeHeld(): string[] {
    const out = this.held;
    this.held = [];
    this.heldChars = 0;
    return out;
  }
}

/** Splits streamed reasoning into whole lines, so each thought is readable on its own. */
export class LineBuffer {
  private buf = '';

  push(text: string): string[] {
    this.buf += text;
    const lines: string[] = [];
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (line) lines.push(line);
    }
    return lines;
  }

  flush(): string[] {
    const line = this.buf.trim();
    this.buf = '';
    return line ? [line] : [];
  }
}
