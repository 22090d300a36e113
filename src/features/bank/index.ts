export { latestRelease } from './queries.js'
