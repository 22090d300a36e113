import type { Role } from '../features/auth/index.js'

export interface NavItem { href: string, label: string }

/** The main navigation of each role; areas add their entries here as they land. */
export const NAV: Record<Role, readonly NavItem[]> = {
  trainee: [
    { href: '/', label: 'nav.home' }, { href: '/learn', label: 'nav.learn' }, { href: '/exams', label: 'nav.exams' },
    { href: '/readiness', label: 'nav.readiness' }, { href: '/me', label: 'nav.me' }
  ],
  trainer: [
    { href: '/', label: 'nav.home' }, { href: '/roster', label: 'nav.roster' }, { href: '/cohorts', label: 'nav.cohorts' }, { href: '/training', label: 'nav.training' },
    { href: '/curricula', label: 'nav.curricula' }, { href: '/readiness/roster', label: 'nav.readiness' }, { href: '/sittings', label: 'nav.sittings' }
  ],
  police: [{ href: '/', label: 'nav.home' }, { href: '/jurisdiction', label: 'nav.jurisdiction' }, { href: '/sittings', label: 'nav.sittings' }, { href: '/jurisdiction/verify', label: 'nav.verify' }],
  admin: [
    { href: '/', label: 'nav.home' },
    { href: '/admin/jurisdictions', label: 'nav.jurisdictions' },
    { href: '/admin/enterprises', label: 'nav.enterprises' },
    { href: '/admin/accounts', label: 'nav.accounts' },
    { href: '/admin/bank', label: 'nav.bank' },
    { href: '/admin/readiness', label: 'nav.readiness-settings' },
    { href: '/admin/audit', label: 'nav.audit' }
  ]
}

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
