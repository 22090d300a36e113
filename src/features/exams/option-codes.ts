// The per-attempt option values live in lib (pure, no area) so practice sets use the same codes.
export { optionCodes } from '../../lib/option-codes.js'
