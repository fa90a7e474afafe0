/**
 * Words of mail text, as search sees them: Chinese segmented by jieba
 * (@node-rs/jieba, prebuilt, dictionary loaded once per process on first
 * use), Latin words lower-cased. Used at index time (server/mail/mailIndex.ts)
 * and at query time (server/mail/search.ts) so both cut text the same way.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** The same CJK ranges the migration's agentwire_cjk_bigrams() recognises. */
export const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/g;
const CJK_CHAR = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+$/;

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  return (jieba ??= Jieba.withDict(dict));
}

export function isCjk(word: string): boolean {
  return CJK_CHAR.test(word);
}

/** Chinese words of a text for the index: jieba's search mode, words of two characters or more, each once. */
export function cjkIndexWords(text: string): string[] {
  const runs = text.match(CJK_RUN);
  if (!runs) return [];
  const words = new Set<string>();
  for (const run of runs) {
    if (Array.from(run).length < 2) continue;
    for (const w of segmenter().cutForSearch(run, false)) {
      if (Array.from(w).length >= 2 && isCjk(w)) words.add(w);
    }
  }
  return [...words];
}

/** A text cut into words in reading order (jieba's precise mode; no HMM, which invents words such as "李伟发"). */
export function cutWords(text: string): string[] {
  return segmenter()
    .cut(text, false)
    .map((w) => w.trim())
    .filter((w) => w !== '');
}

const LATIN_WORD = /[\p{Script=Latin}\p{N}][\p{Script=Latin}\p{N}'’.-]*[\p{Script=Latin}\p{N}]|[\p{Script=Latin}]/gu;

/** Lower-case Latin words of a text (3 to 30 characters, not only digits): the vocabulary fuzzy matching corrects to. */
export function latinVocabulary(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.replace(CJK_RUN, ' ').matchAll(LATIN_WORD)) {
    const w = m[0].toLowerCase().replace(/['’]s$/, '');
    if (w.length >= 3 && w.length <= 30 && !/^[\d.-]+$/.test(w)) out.add(w);
  }
  return [...out];
}
