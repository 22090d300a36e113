import { en, type MessageKey } from './en.js'
import { zh } from './zh.js'

export const LOCALES = ['en', 'zh'] as const
export type Locale = typeof LOCALES[number]
export type { MessageKey }
export type Params = Record<string, string | number>
export type Translate = (key: MessageKey, params?: Params) => string

export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, zh }

export function isLocale (v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

export function isMessageKey (v: unknown): v is MessageKey {
  return typeof v === 'string' && Object.hasOwn(en, v)
}

/**
 * Returns a translator; an unknown key renders as itself so it is visible, never blank.
 * With `count: 1` a key's `.one` variant is used where it exists (English singulars).
 */
export function translator (locale: Locale): Translate {
  const cat = catalogues[locale] as Record<string, string>
  return (key, params) => {
    const singular = params?.count === 1 ? cat[`${key}.one`] : undefined
    const text = singular ?? cat[key] ?? (en as Record<string, string>)[key] ?? key
    if (!params) return text
    return fill(text, params)
  }
}

/**
 * A message's text split once at its `{name}` placeholders: literal text at even indexes, names
 * at odd ones. Pages translate in loops (an answer sheet labels each of its cells), so the split
 * is kept per text instead of scanning the text with a regular expression on every call.
 */
const splits = new Map<string, string[]>()

function fill (text: string, params: Params): string {
  let parts = splits.get(text)
  if (parts === undefined) {
    parts = text.split(/\{(\w+)\}/)
    // The catalogues are fixed; only a key missing from both (rendered as itself) is not, so the map stays small.
    if (splits.size < 10_000) splits.set(text, parts)
  }
  let out = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!
    out += (name in params ? String(params[name]) : `{${name}}`) + parts[i + 1]!
  }
  return out
}

/** A deployment's language when neither the user nor the browser names one of ours (DEFAULT_LANGUAGE). */
export const DEFAULT_LOCALE: Locale = 'zh'

/** Picks the locale from Accept-Language ("zh-CN,zh;q=0.9,en;q=0.8"), else the deployment's default. */
export function localeFromAcceptLanguage (header: string | undefined, fallback: Locale = DEFAULT_LOCALE): Locale {
  if (!header) return fallback
  const ranked = header.split(',').map((part, i) => {
    const [tag = '', ...rest] = part.trim().split(';')
    const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='))
    return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, i }
  }).filter((x) => x.tag && x.q > 0).sort((a, b) => b.q - a.q || a.i - b.i)
  for (const { tag } of ranked) {
    const base = tag.split('-')[0]
    if (isLocale(base)) return base
  }
  return fallback
}

/** The user's setting, else the language cookie, else the browser's Accept-Language, else the deployment's default. */
export function pickLocale (userLocale: string | null | undefined, cookieLocale: string | undefined, acceptLanguage: string | undefined, fallback: Locale = DEFAULT_LOCALE): Locale {
  if (isLocale(userLocale)) return userLocale
  if (isLocale(cookieLocale)) return cookieLocale
  return localeFromAcceptLanguage(acceptLanguage, fallback)
}
