import type { FastifyInstance } from 'fastify'
import type { Role } from '../auth/index.js'

/** What each role can already open from its landing page; the rest is listed as coming. */
const LINKS: Record<Role, Array<{ href: string, label: string, hint: string }>> = {
  trainee: [
    { href: '/exams', label: 'nav.exams', hint: 'home.trainee.exams-hint' },
    { href: '/readiness', label: 'nav.readiness', hint: 'home.trainee.readiness-hint' },
    { href: '/me', label: 'nav.me', hint: 'home.trainee.me-hint' }
  ],
  trainer: [
    { href: '/roster', label: 'nav.roster', hint: 'home.trainer.roster-hint' },
    { href: '/roster/import', label: 'roster.import', hint: 'home.trainer.import-hint' },
    { href: '/readiness/roster', label: 'nav.readiness', hint: 'home.trainer.readiness-hint' },
    { href: '/sittings', label: 'nav.sittings', hint: 'home.trainer.sittings-hint' }
  ],
  police: [
    { href: '/jurisdiction', label: 'nav.jurisdiction', hint: 'home.police.jurisdiction-hint' },
    { href: '/jurisdiction/lookup', label: 'lookup.title', hint: 'home.police.lookup-hint' },
    { href: '/jurisdiction/verify', label: 'verify.title', hint: 'home.police.verify-hint' },
    { href: '/sittings', label: 'nav.sittings', hint: 'home.police.sittings-hint' }
  ],
  admin: [
    { href: '/admin/jurisdictions', label: 'nav.jurisdictions', hint: 'home.admin.jurisdictions-hint' },
    { href: '/admin/enterprises', label: 'nav.enterprises', hint: 'home.admin.enterprises-hint' },
    { href: '/admin/accounts', label: 'nav.accounts', hint: 'home.admin.accounts-hint' },
    { href: '/admin/bank', label: 'nav.bank', hint: 'home.admin.bank-hint' },
    { href: '/admin/audit', label: 'nav.audit', hint: 'home.admin.audit-hint' },
    { href: '/admin/readiness', label: 'nav.readiness-settings', hint: 'home.admin.readiness-hint' }
  ]
}

const COMING: Record<Role, string[]> = {
  trainee: ['home.trainee.coming-1', 'home.trainee.coming-3'],
  trainer: ['home.trainer.coming-2', 'home.trainer.coming-3'],
  police: [],
  admin: []
}

/** The landing page of each role. Later areas fill these with their own panels. */
export async function homeRoutes (app: FastifyInstance) {
  app.get('/', { config: { access: 'signed-in' } }, async (req, reply) => {
    const role = req.actor!.role
    return reply.page('home/index', { title: `home.${role}.title`, role, links: LINKS[role], coming: COMING[role] })
  })
}
