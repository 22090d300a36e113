import type { Role } from '../features/auth/index.js'

export interface NavItem { href: string, label: string }

/** The main navigation of each role; areas add their entries here as they land. */
export const NAV: Record<Role, readonly NavItem[]> = {
  trainee: [{ href: '/', label: 'nav.home' }],
  trainer: [{ href: '/', label: 'nav.home' }],
  police: [{ href: '/', label: 'nav.home' }],
  admin: [{ href: '/', label: 'nav.home' }]
}
