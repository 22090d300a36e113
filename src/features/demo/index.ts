export { seedDemo, writeDemoAccounts, formatDemoAccounts, demoAccountsFile, type DemoAccount } from './seed.js'
