import type { FastifyInstance } from 'fastify'
import type { Role } from '../auth/index.js'

/** What each role can already open from its landing page; the rest is listed as coming. */
const LINKS: Record<Role, Array<{ href: string, label: string, hint: string }>> = {
  trainee: [{ href: '/learn', label: 'nav.learn', hint: 'home.trainee.learn-hint' }, { href: '/exams', label: 'nav.exams', hint: 'home.trainee.exams-hint' }, { href: '/me', label: 'nav.me', hint: 'home.trainee.me-hint' }],
  trainer: [
    { href: '/roster', label: 'nav.roster', hint: 'home.trainer.roster-hint' },
    { href: '/roster/import', label: 'roster.import', hint: 'home.trainer.import-hint' },
    { href: '/training', label: 'nav.training', hint: 'home.trainer.training-hint' },
    { href: '/curricula', label: 'nav.curricula', hint: 'home.trainer.curricula-hint' }
  ],
  police: [{ href: '/jurisdiction', label: 'nav.jurisdiction', hint: 'home.police.jurisdiction-hint' }],
  admin: [
    { href: '/admin/jurisdictions', label: 'nav.jurisdictions', hint: 'home.admin.jurisdictions-hint' },
    { href: '/admin/enterprises', label: 'nav.enterprises', hint: 'home.admin.enterprises-hint' },
    { href: '/admin/accounts', label: 'nav.accounts', hint: 'home.admin.accounts-hint' },
    { href: '/admin/bank', label: 'nav.bank', hint: 'home.admin.bank-hint' },
    { href: '/admin/audit', label: 'nav.audit', hint: 'home.admin.audit-hint' }
  ]
}

const COMING: Record<Role, string[]> = {
  trainee: ['home.trainee.coming-4'],
  trainer: ['home.trainer.coming-4'],
  police: ['home.police.coming-2', 'home.police.coming-3', 'home.police.coming-4'],
  admin: []
}

/** The landing page of each role. Later areas fill these with their own panels. */
export async function homeRoutes (app: FastifyInstance) {
  app.get('/', { config: { access: 'signed-in' } }, async (req, reply) => {
    const role = req.actor!.role
    return reply.page('home/index', { title: `home.${role}.title`, role, links: LINKS[role], coming: COMING[role] })
  })
}
