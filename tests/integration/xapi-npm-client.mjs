// SPDX-License-Identifier: LGPL-2.1-or-later
// Xen Orchestra's connector (npm xen-api) against the endpoint: connect,
// fetch the cache, see add/mod/del through event.from, get XAPI errors.
// Usage: node xapi-npm-client.mjs URL USER PASSWORD TRANSPORT
import assert from 'node:assert/strict'
import { Xapi } from 'xen-api'

import { testSteps } from './xapi-npm-steps.mjs'

const POOL = 'OpaqueRef:00000000-0000-4000-8000-000000000001'
const NETWORK = 'OpaqueRef:00000000-0000-4000-8000-000000000003'
const [url, user, password, transport] = process.argv.slice(2)

const { waitFor, step, passed } = testSteps(transport)

const xapi = new Xapi({
  url,
  auth: { user, password },
  allowUnauthorized: true,
  watchEvents: false,
  transport,
  debounce: 20,
})

await step('connect', async () => {
  await xapi.connect()
  assert.equal(xapi.status, 'connected')
  assert.equal(xapi.pool.$ref, POOL)
  assert.deepEqual({ ...xapi.pool.other_config }, {})
})
await step('initial fetch', async () => {
  xapi.watchEvents()
  await xapi.objectsFetched
  const net = xapi.getObjectByRef(NETWORK)
  assert.equal(net.name_label, 'Pool-wide network')
  assert.equal(String(net.MTU), '1500')
  assert.equal(net.other_config['mtu-check'], 'on & <ok>')
})
let ref
await step('add event', async () => {
  ref = await xapi.call('network.create', {
    name_label: 'npm-net', name_description: '', MTU: 1500, other_config: {}
  })
  await waitFor(() => xapi.getObjectByRef(ref, undefined) !== undefined,
    'the new network in the cache')
  assert.equal(xapi.getObjectByRef(ref).name_label, 'npm-net')
})
await step('mod event', async () => {
  await xapi.call('pool.set_name_label', POOL, `renamed over ${transport}`)
  await waitFor(() => xapi.pool.name_label === `renamed over ${transport}`,
    'the renamed pool in the cache')
})
await step('del event', async () => {
  await xapi.call('network.destroy', ref)
  await waitFor(() => xapi.getObjectByRef(ref, undefined) === undefined,
    'the network to leave the cache')
})
await step('errors', async () => {
  await assert.rejects(xapi.call('network.get_record', 'OpaqueRef:nope'),
    e => e.code === 'HANDLE_INVALID' && e.params[0] === 'network')
  await assert.rejects(xapi.call('network.frobnicate'),
    e => e.code === 'MESSAGE_METHOD_UNKNOWN')
  await assert.rejects(xapi.call('network.get_record'),
    e => e.code === 'MESSAGE_PARAMETER_COUNT_MISMATCH' &&
      e.params.join() === 'network.get_record,1,0')
})
await step('watch error free', async () => {
  assert.equal(xapi.watchEventsError, undefined)
})
await xapi.disconnect()
console.log(`npm xen-api over ${transport} (${url}):`,
  `${passed()} passed, 0 failed`)
process.exit(0)
