// Building an Intl formatter costs far more than using one: keep one per zone and locale.
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter (key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key)
  if (!f) { f = make(); formatters.set(key, f) }
  return f
}

/** Formats an instant in the configured zone (China Standard Time by default). */
export function formatDateTime (d: Date | number, locale: string, timeZone: string): string {
  const tag = locale === 'zh' ? 'zh-CN' : 'en-GB'
  return formatter(`dt|${tag}|${timeZone}`, () => new Intl.DateTimeFormat(tag, {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false
  })).format(d)
}

/** The time of day (HH:MM:SS) of an instant in the zone. */
export function formatTime (d: Date | number, timeZone: string): string {
  return formatter(`t|${timeZone}`, () => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })).format(d)
}

/** The calendar date (YYYY-MM-DD) of an instant in a zone: legal dates are counted in local days. */
export function localDate (d: Date | number, timeZone: string): string {
  // The last answer per zone, by the second: a zone's offset is whole seconds, so the date cannot
  // change within one, and a busy server asks about the same second many times (formatToParts is dear).
  const ms = typeof d === 'number' ? d : d.getTime()
  const second = Math.floor(ms / 1000)
  const last = lastDates.get(timeZone)
  if (last !== undefined && last.second === second) return last.date
  const parts = formatter(`d|${timeZone}`, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).formatToParts(ms)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  const date = `${get('year')}-${get('month')}-${get('day')}`
  // An invalid date (NaN) throws in formatToParts above, so only real seconds are kept.
  lastDates.set(timeZone, { second, date })
  return date
}
const lastDates = new Map<string, { second: number, date: string }>()

/** Minutes the zone is ahead of UTC at an instant (480 for Asia/Shanghai). */
function zoneOffsetMs (instant: number, timeZone: string): number {
  const parts = formatter(`o|${timeZone}`, () => new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })).formatToParts(instant)
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value)
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(instant / 1000) * 1000
}

/** The local day `days` after (or before) a local day, both YYYY-MM-DD. */
export function addDays (day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** Whether a string is a real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isLocalDay (s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  return m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === s
}

/** The instant a local day (YYYY-MM-DD) starts in a zone, or undefined for a malformed day. */
export function startOfLocalDay (day: string, timeZone: string): Date | undefined {
  if (!isLocalDay(day)) return undefined
  const guess = Date.parse(`${day}T00:00:00Z`)
  const first = guess - zoneOffsetMs(guess, timeZone)
  return new Date(guess - zoneOffsetMs(first, timeZone))
}
