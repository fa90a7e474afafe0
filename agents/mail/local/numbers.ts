/** Small numbers as people write them: digits, English words, Chinese numerals (一 … 九十九, 两). */

const EN: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fourteen: 14, fifteen: 15, twenty: 20, thirty: 30, couple: 2, few: 3,
};

const ZH_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Regex source matching any number this module can read. */
export const NUMBER_SOURCE = `\\d{1,3}|${Object.keys(EN).join('|')}|[零一二两三四五六七八九十]{1,3}`;

export function parseNumber(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  if (t in EN) return EN[t];
  return parseChineseNumber(t);
}

function parseChineseNumber(t: string): number | undefined {
  if (!/^[零一二两三四五六七八九十]+$/.test(t)) return undefined;
  const ten = t.indexOf('十');
  if (ten < 0) return t.length === 1 ? ZH_DIGITS[t] : undefined;
  const tens = ten === 0 ? 1 : ZH_DIGITS[t.slice(0, ten)];
  const ones = ten === t.length - 1 ? 0 : ZH_DIGITS[t.slice(ten + 1)];
  return tens === undefined || ones === undefined ? undefined : tens * 10 + ones;
}

const EN_ORDINALS: Record<string, number> = {
  first: 1, top: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
};

/** "second", "2nd", "#2", "number 2" → 2; "last" → -1. */
export function parseEnglishOrdinal(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'last') return -1;
  if (t in EN_ORDINALS) return EN_ORDINALS[t];
  const m = /^(?:#|no\.?\s*|number\s+)?(\d{1,2})(?:st|nd|rd|th)?$/.exec(t);
  return m ? Number(m[1]) : undefined;
}

export const EN_ORDINAL_SOURCE = `first|top(?=\\s+(?:one|email|e-mail|mail|message|result)\\b)|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|\\d{1,2}(?:st|nd|rd|th)|#\\d{1,2}|number\\s+\\d{1,2}`;
