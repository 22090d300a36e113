import type { FastifyInstance } from 'fastify'
import type { Role } from '../auth/index.js'

/** What each role opens from its landing page. */
const LINKS: Record<Role, Array<{ href: string, label: string, hint: string }>> = {
  trainee: [
    { href: '/learn', label: 'nav.learn', hint: 'home.trainee.learn-hint' },
    { href: '/exams', label: 'nav.exams', hint: 'home.trainee.exams-hint' },
    { href: '/readiness', label: 'nav.readiness', hint: 'home.trainee.readiness-hint' },
    { href: '/me', label: 'nav.me', hint: 'home.trainee.me-hint' }
  ],
  trainer: [
    { href: '/roster', label: 'nav.roster', hint: 'home.trainer.roster-hint' },
    { href: '/roster/import', label: 'roster.import', hint: 'home.trainer.import-hint' },
    { href: '/training', label: 'nav.training', hint: 'home.trainer.training-hint' },
    { href: '/cohorts', label: 'nav.cohorts', hint: 'home.trainer.cohorts-hint' },
    { href: '/curricula', label: 'nav.curricula', hint: 'home.trainer.curricula-hint' },
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

/** The landing page of each role. */
export async function homeRoutes (app: FastifyInstance) {
  app.get('/', { config: { access: 'signed-in' } }, async (req, reply) => {
    const role = req.actor!.role
    return reply.page('home/index', { title: `home.${role}.title`, role, links: LINKS[role] })
  })
}
