export { supervisionRoutes } from './routes.js'
export { photoDir } from './photos.js'
export { noticeSummary } from './notices.js'
