import type { Role } from '../features/auth/index.js'

export interface NavItem { href: string, label: string }

/** The main navigation of each role; areas add their entries here as they land. */
export const NAV: Record<Role, readonly NavItem[]> = {
  trainee: [{ href: '/', label: 'nav.home' }, { href: '/learn', label: 'nav.learn' }, { href: '/exams', label: 'nav.exams' }, { href: '/me', label: 'nav.me' }],
  trainer: [
    { href: '/', label: 'nav.home' }, { href: '/roster', label: 'nav.roster' }, { href: '/training', label: 'nav.training' },
    { href: '/cohorts', label: 'nav.cohorts' }, { href: '/curricula', label: 'nav.curricula' }
  ],
  police: [{ href: '/', label: 'nav.home' }, { href: '/jurisdiction', label: 'nav.jurisdiction' }],
  admin: [
    { href: '/', label: 'nav.home' },
    { href: '/admin/jurisdictions', label: 'nav.jurisdictions' },
    { href: '/admin/enterprises', label: 'nav.enterprises' },
    { href: '/admin/accounts', label: 'nav.accounts' },
    { href: '/admin/bank', label: 'nav.bank' },
    { href: '/admin/audit', label: 'nav.audit' }
  ]
}

/** Whether a navigation entry is the current section (the home entry only on the home page). */
export function isCurrent (href: string, path: string): boolean {
  const p = path.split('?')[0] ?? ''
  return href === '/' ? p === '/' : p === href || p.startsWith(`${href}/`)
}
