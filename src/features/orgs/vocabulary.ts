// The fixed lists the orgs forms offer and accept (their columns' enums, defined with the
// tables), for the routes, which do not import the database.
export {
  EDUCATION_LEVELS, DUTY_STATUSES, DECLARATION_KINDS, JURISDICTION_LEVELS,
  type Education, type DutyStatus, type DeclarationKind, type JurisdictionLevel
} from '../../db/schema.js'
