import type { Role } from '../db/schema.js'
import type { MessageKey } from '../i18n/index.js'

export interface NavItem { href: string, label: MessageKey }
export interface HomeLink extends NavItem { hint: MessageKey }

/**
 * Each role's menu, written once: an entry is in the navigation bar (`bar`), on the role's
 * landing page as a card with its `hint` (under `card` when the card says more than the
 * bar's word), or both. Areas add their entries here as they land.
 */
interface MenuEntry { href: string, label: MessageKey, bar: boolean, hint?: MessageKey, card?: MessageKey }

const MENUS: Record<Role, readonly MenuEntry[]> = {
  trainee: [
    { href: '/', label: 'nav.home', bar: true },
    { href: '/learn', label: 'nav.learn', bar: true, hint: 'home.trainee.learn-hint' },
    { href: '/practice', label: 'nav.practice', bar: true, hint: 'home.trainee.practice-hint' },
    { href: '/exams', label: 'nav.exams', bar: true, hint: 'home.trainee.exams-hint' },
    { href: '/readiness', label: 'nav.readiness', bar: true, hint: 'home.trainee.readiness-hint' },
    { href: '/me', label: 'nav.me', bar: true, hint: 'home.trainee.me-hint' }
  ],
  // The import is reached from the landing page and the roster; cohorts (班组) are in the bar, as trainers asked.
  // Curricula (培训计划) left the bar for supervision (监管): the landing page and the training page link them.
  trainer: [
    { href: '/', label: 'nav.home', bar: true },
    { href: '/roster', label: 'nav.roster', bar: true, hint: 'home.trainer.roster-hint' },
    { href: '/roster/import', label: 'roster.import', bar: false, hint: 'home.trainer.import-hint' },
    { href: '/cohorts', label: 'nav.cohorts', bar: true, hint: 'home.trainer.cohorts-hint' },
    { href: '/training', label: 'nav.training', bar: true, hint: 'home.trainer.training-hint' },
    { href: '/curricula', label: 'nav.curricula', bar: false, hint: 'home.trainer.curricula-hint' },
    { href: '/readiness/roster', label: 'nav.readiness', bar: true, hint: 'home.trainer.readiness-hint' },
    { href: '/sittings', label: 'nav.sittings', bar: true, hint: 'home.trainer.sittings-hint' },
    { href: '/supervision', label: 'nav.supervision', bar: true, hint: 'home.trainer.supervision-hint' }
  ],
  police: [
    { href: '/', label: 'nav.home', bar: true },
    { href: '/jurisdiction', label: 'nav.jurisdiction', bar: true, hint: 'home.police.jurisdiction-hint' },
    { href: '/jurisdiction/lookup', label: 'lookup.title', bar: false, hint: 'home.police.lookup-hint' },
    { href: '/jurisdiction/verify', label: 'nav.verify', bar: true, hint: 'home.police.verify-hint', card: 'verify.title' },
    { href: '/sittings', label: 'nav.sittings', bar: true, hint: 'home.police.sittings-hint' },
    { href: '/supervision', label: 'nav.supervision', bar: true, hint: 'home.police.supervision-hint' }
  ],
  admin: [
    { href: '/', label: 'nav.home', bar: true },
    { href: '/admin/jurisdictions', label: 'nav.jurisdictions', bar: true, hint: 'home.admin.jurisdictions-hint' },
    { href: '/admin/enterprises', label: 'nav.enterprises', bar: true, hint: 'home.admin.enterprises-hint' },
    { href: '/admin/accounts', label: 'nav.accounts', bar: true, hint: 'home.admin.accounts-hint' },
    { href: '/admin/bank', label: 'nav.bank', bar: true, hint: 'home.admin.bank-hint' },
    { href: '/admin/readiness', label: 'nav.readiness-settings', bar: true, hint: 'home.admin.readiness-hint' },
    { href: '/admin/checklist', label: 'nav.checklist', bar: false, hint: 'home.admin.checklist-hint', card: 'checklist.title' },
    { href: '/admin/audit', label: 'nav.audit', bar: true, hint: 'home.admin.audit-hint' }
  ]
}

const byRole = <T> (pick: (entries: readonly MenuEntry[]) => T[]): Record<Role, readonly T[]> =>
  ({ trainee: pick(MENUS.trainee), trainer: pick(MENUS.trainer), police: pick(MENUS.police), admin: pick(MENUS.admin) })

/** The navigation bar of each role. */
export const NAV = byRole((m) => m.filter((e) => e.bar).map((e): NavItem => ({ href: e.href, label: e.label })))

/** The cards of each role's landing page. */
export const HOME_LINKS = byRole((m) => m.filter((e) => e.hint).map((e): HomeLink => ({ href: e.href, label: e.card ?? e.label, hint: e.hint! })))

const matches = (href: string, p: string) => href === '/' ? p === '/' : p === href || p.startsWith(`${href}/`)

/**
 * Whether a navigation entry is the current section (the home entry only on the home page).
 * Given the whole menu, only the most specific match counts: /jurisdiction/verify marks
 * "Verify", not "Jurisdiction" as well.
 */
export function isCurrent (href: string, path: string, items: readonly NavItem[] = []): boolean {
  const p = path.split('?')[0] ?? ''
  if (!matches(href, p)) return false
  return !items.some((i) => i.href.length > href.length && matches(i.href, p))
}
