/** Which language a message is in, for the answer: Chinese as soon as it has Han characters. */
export type Lang = 'en' | 'zh';

export function detectLanguage(text: string): Lang {
  return /[\u3400-\u4dbf\u4e00-\u9fff]/.test(text) ? 'zh' : 'en';
}

/** Both languages' versions of a sentence; pick with `say(lang)`. */
export type Bilingual = { en: string; zh: string };

export function pick(lang: Lang, text: Bilingual): string {
  return text[lang];
}
