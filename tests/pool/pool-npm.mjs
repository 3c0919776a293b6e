// SPDX-License-Identifier: LGPL-2.1-or-later
// Xen Orchestra's connector (npm xen-api) on one member of a pool: it
// sees every host, and a change made on another host reaches its cache
// (through event.from).
// Usage: node pool-npm.mjs URL USER PASSWORD HOST-UUID... -- READY DONE
//   READY is made once the cache is fetched; the caller then makes a
//   network named "npm-other-host" on another host and the client waits
//   for it, and its PIFs of every host.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { Xapi } from 'xen-api'

import { testSteps } from './xapi-npm-steps.mjs'

const [url, user, password, ...rest] = process.argv.slice(2)
const sep = rest.indexOf('--')
const hosts = rest.slice(0, sep)
const [ready] = rest.slice(sep + 1)
const { waitFor, step, passed } = testSteps('pool')

const xapi = new Xapi({
  url,
  auth: { user, password },
  allowUnauthorized: true,
  watchEvents: false,
  transport: 'json-rpc',
  debounce: 20,
})
const ofType = type => Object.values(xapi.objects.all)
  .filter(o => o.$type === type)

await step('connect', async () => {
  await xapi.connect()
  assert.equal(xapi.status, 'connected')
})
await step('every host of the pool', async () => {
  xapi.watchEvents()
  await xapi.objectsFetched
  assert.deepEqual(ofType('host').map(h => h.uuid).sort(), [...hosts].sort())
  const pifHosts = new Set(ofType('PIF').map(p => p.$host.uuid))
  assert.deepEqual([...pifHosts].sort(), [...hosts].sort())
})
await step('a change on another host', async () => {
  writeFileSync(ready, '')
  await waitFor(() => ofType('network')
    .some(n => n.name_label === 'npm-other-host'),
  'the other host\'s network in the cache')
})
await xapi.disconnect()
console.log(`PASS: ${passed()} steps on the pool`)
