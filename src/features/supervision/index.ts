export { supervisionRoutes } from './routes.js'
