/**
 * One slip of the keyboard: the offline model's spelling correction for the
 * words it knows by name (date words, contacts' names and companies), where a
 * misspelt word would otherwise become a sender or a topic of its own.
 */

/** One insertion, deletion, substitution or swap of neighbours turns a into b. */
export function oneEditApart(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return (
    a.slice(i + 1) === b.slice(i) || // a letter too many
    a.slice(i) === b.slice(i + 1) || // a letter missing
    a.slice(i + 1) === b.slice(i + 1) || // one letter wrong
    (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)) // two swapped
  );
}

/**
 * Latin words of five letters or more that are one edit away from exactly one
 * known word (lower case), written as that word. A capitalised word inside the
 * sentence may be a name of its own ("Augusta") and stays.
 */
export function correctWords(text: string, known: ReadonlySet<string>, keep: ReadonlySet<string> = new Set()): string {
  return text.replace(/[A-Za-z]{5,}/g, (word, at: number) => (partOfAddress(text, at, word.length) ? word : (correctionOf(word, at, known, keep) ?? word)));
}

/** A piece of an address or a domain ("james.oconnor@…", "contoso.example") is written as it is meant. */
function partOfAddress(text: string, at: number, length: number): boolean {
  return /[.@]/.test(text[at - 1] ?? '') || /[.@]\w/.test(text.slice(at + length, at + length + 2));
}

/** The words `correctWords` would change, each with what it becomes. */
export function corrections(text: string, known: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(/[A-Za-z]{5,}/g)) {
    if (partOfAddress(text, m.index, m[0].length)) continue;
    const to = correctionOf(m[0], m.index, known, new Set());
    if (to) found.set(m[0], to);
  }
  return found;
}

function correctionOf(word: string, at: number, known: ReadonlySet<string>, keep: ReadonlySet<string>): string | undefined {
  const w = word.toLowerCase();
  if (known.has(w) || keep.has(word) || (at > 0 && /^[A-Z]/.test(word))) return undefined;
  const near = [...known].filter((k) => Math.abs(k.length - w.length) <= 1 && oneEditApart(w, k));
  return near.length === 1 ? near[0] : undefined;
}
