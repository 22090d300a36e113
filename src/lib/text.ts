/** Bank text (English required, Chinese optional) in the reader's language where it exists, else English. */
export function localText (text: { en: string, zh?: string } | undefined, locale: string): string {
  if (!text) return ''
  return locale === 'zh' && text.zh ? text.zh : text.en
}
