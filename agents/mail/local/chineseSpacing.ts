/** What the assistant quotes rather than says: bold (email subjects), quotes, code and links, kept as written. */
const QUOTED = /(\*\*[^*\n]*\*\*|“[^”\n]*”|"[^"\n]*"|`[^`\n]*`|\[[^\]\n]*\]\([^)\n]*\))/;

/**
 * A space between Chinese and a word in Latin letters ("3 封 David 的邮件", "GitHub 的未读邮件"), as
 * Chinese typesetting puts one; in the assistant's own words only. Digits are left alone: the answers space
 * their counts themselves, and a date the user wrote (11月20日) is echoed as written.
 */
export function spaceLatinInChinese(text: string): string {
  return text
    .split(QUOTED)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/(\p{Script=Han})(?=[A-Za-z])/gu, '$1 ').replace(/([A-Za-z])(?=\p{Script=Han})/gu, '$1 ')))
    .join('');
}
