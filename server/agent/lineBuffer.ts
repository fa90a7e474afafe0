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
