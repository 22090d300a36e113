/** Bank text: one entry per language it was written in (English only before release 2026.2). */
export type LocalText = Partial<Record<'en' | 'zh', string>>

/**
 * Bank text in the reader's language; where the text was never written in it
 * (a question of an English-only release), the language it was written in.
 */
export function localText (text: LocalText | undefined, locale: string): string {
  if (!text) return ''
  return (locale === 'zh' ? text.zh ?? text.en : text.en ?? text.zh) ?? ''
}

/** Whether the text exists in the reader's language (else the page says it shows the original). */
export function hasLocale (text: LocalText | undefined, locale: string): boolean {
  return !!text && (locale === 'zh' ? !!text.zh : !!text.en)
}

/** A title in the reader's language where the row has titles per language (2026.2 on), else its one title. */
export function localTitle (row: { title: string, titles?: LocalText | null }, locale: string): string {
  return row.titles ? localText(row.titles, locale) || row.title : row.title
}
