/** Which language a message is in, for the answer: Chinese as soon as it has Han characters. */
export type Lang = 'en' | 'zh';

export function detectLanguage(text: string): Lang {
  return /[\u3400-\u4dbf\u4e00-\u9fff]/.test(text) ? 'zh' : 'en';
}
