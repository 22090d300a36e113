export * from '../../db/schema/org-units.js'
export * from '../../db/schema/orgs.js'
export { scopeFor, subtree, ancestors, siteAccess, personVisible, type Scope } from './scope.js'
export { listSites, findSiteInScope, siteScopeCondition, SITE_COLUMNS, sitesOfEnterprise, listStations, siteNameTaken, insertSite, updateSite, setPostedSite, type SiteRow, type SiteInput } from './sites.js'
export {
  loadScope, loadSittingScope, policeSubtree, findPersonInScope, findTraineeByUserId, countTrainees, readSetting, writeSetting, findEnterpriseByCreditCode, findJurisdictionByCode,
  pageEnterprises, eachEnterprise, countEnterprises, sumEnterpriseCounts, listEnterpriseChoices, ENTERPRISE_KEY, findEnterprise, findJurisdiction, listPeople, pagePeople, countPeople, eachPeople, PEOPLE_KEY, writeCertificate, type PersonRow, type EnterpriseRow, type EnterpriseChoice, type EnterpriseTotals
} from './queries.js'
export { personView, type PersonView } from './view.js'
export { validateCertificate, type CertificateInput } from './people.js'
export { orgRoutes } from './routes.js'
export { seedOrganisations, type DemoPerson } from './seed.js'
export { createPiiCheck, checkDataKey, holdsEncryptedData, rotateDataKey, storedKeyFingerprint, dataKeyProblem, DATA_KEY_SETTING } from './data-key-check.js'
