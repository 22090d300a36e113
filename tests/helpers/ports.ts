/**
 * A loopback port for a server that a test or the bench starts. Below Linux's ephemeral range
 * (32768-60999 by default, /proc/sys/net/ipv4/ip_local_port_range), from which outgoing
 * connections take their local ports: a port picked inside it was at times already held by one of
 * the run's own connections to PostgreSQL or to a server (EADDRINUSE). Random, so that test files
 * running side by side rarely pick the same; `count` consecutive ports from the one returned.
 */
export function serverPort (count = 1): number {
  return 20000 + Math.floor(Math.random() * (12000 - count))
}
