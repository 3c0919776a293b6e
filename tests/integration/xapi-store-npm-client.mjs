// SPDX-License-Identifier: LGPL-2.1-or-later
// Xen Orchestra's connector (npm xen-api) against xen-sriovd serving the
// store: connect, the cache of every class, an SR-IOV network created and
// seen through XO's event loop, a change made by the xe binary arriving in
// the cache, a VIF created and destroyed, the SR-IOV network destroyed,
// XAPI's errors, and Async calls through XO's callAsync (tasks watched
// through event.from).
// Usage: node xapi-store-npm-client.mjs URL USER PASSWORD TRANSPORT XE
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { Xapi } from 'xen-api'

import { testSteps } from './xapi-npm-steps.mjs'

const [url, user, password, transport, xe] = process.argv.slice(2)
const VM = 'OpaqueRef:11111111-2222-4333-8444-555555555502'

const { waitFor, step, passed } = testSteps(transport)

const xapi = new Xapi({
  url,
  auth: { user, password },
  allowUnauthorized: true,
  watchEvents: false,
  transport,
  debounce: 20
})

const cached = type => Object.values(xapi.objects.all)
  .filter(o => o.$type === type)
const get = ref => xapi.getObjectByRef(ref, undefined)

let port1, eno1
await step('connect', async () => {
  await xapi.connect()
  assert.equal(xapi.status, 'connected')
  assert.deepEqual({ ...xapi.pool.other_config }, {})
})
await step('initial fetch', async () => {
  xapi.watchEvents()
  await xapi.objectsFetched
  assert.equal(cached('host').length, 1)
  assert.equal(xapi.pool.master, cached('host')[0].$ref)
  const pifs = cached('PIF')
  port1 = pifs.find(p => p.device === 'enp59s0f1')
  eno1 = pifs.find(p => p.device === 'eno1')
  assert.deepEqual([...port1.capabilities], ['sriov'])
  assert.ok(get(port1.PCI), 'the PIF\'s PCI record is cached')
  assert.ok(cached('PCI').length > 0)
})
// Whole create records, as Xen Orchestra sends them (network.create:
// name_label, name_description, MTU, other_config; VIF.create: every
// field XAPI's constructor takes): XAPI requires other_config.
const networkRecord = label =>
  ({ name_label: label, name_description: '', MTU: 1500, other_config: {} })
let net, sriov
await step('network_sriov.create seen by the event loop', async () => {
  net = await xapi.call('network.create', networkRecord(`xo-${transport}`))
  sriov = await xapi.call('network_sriov.create', port1.$ref, net)
  await waitFor(() => get(sriov) !== undefined, 'the network_sriov')
  const s = get(sriov)
  assert.equal(s.physical_PIF, port1.$ref)
  assert.equal(s.configuration_mode, 'sysfs')
  await waitFor(() => [...get(port1.$ref).sriov_physical_PIF_of]
    .includes(sriov), 'the PIF back-link')
  await waitFor(() => get(s.logical_PIF) !== undefined, 'the logical PIF')
  assert.equal(get(s.logical_PIF).physical, false)
  assert.equal(await xapi.call('network_sriov.get_physical_PIF', sriov),
    port1.$ref)
  assert.equal(Number(await xapi.call(
    'network_sriov.get_remaining_capacity', sriov)), 64)
})
await step('a change made with xe arrives', async () => {
  execFileSync(xe, ['network-param-set', `uuid=${get(net).uuid}`,
    `name-label=renamed by xe (${transport})`])
  await waitFor(() => get(net).name_label === `renamed by xe (${transport})`,
    'the renamed network in the cache')
})
await step('VIF create and destroy', async () => {
  const vif = await xapi.call('VIF.create', {
    VM, network: net, device: '0', MAC: '', MTU: '1500', other_config: {},
    qos_algorithm_type: '', qos_algorithm_params: {},
    currently_attached: false, locking_mode: 'network_default',
    ipv4_allowed: [], ipv6_allowed: []
  })
  await waitFor(() => get(vif) !== undefined, 'the VIF')
  assert.equal(get(vif).network, net)
  await xapi.call('VIF.destroy', vif)
  await waitFor(() => get(vif) === undefined, 'the VIF to leave the cache')
})
await step('errors', async () => {
  await assert.rejects(xapi.call('network_sriov.get_record', 'OpaqueRef:x'),
    e => e.code === 'HANDLE_INVALID' && e.params[0] === 'network_sriov')
  await assert.rejects(xapi.call('network_sriov.get_by_uuid', 'nope'),
    e => e.code === 'UUID_INVALID')
  await assert.rejects(xapi.call('network_sriov.create', eno1.$ref, net),
    e => e.code === 'PIF_IS_NOT_SRIOV_CAPABLE' && e.params[0] === eno1.$ref)
  await assert.rejects(xapi.call('network_sriov.create', port1.$ref),
    e => e.code === 'MESSAGE_PARAMETER_COUNT_MISMATCH' &&
      e.params.join() === 'network_sriov.create,2,1')
})
await step('network_sriov.destroy leaves the cache', async () => {
  const logical = get(sriov).logical_PIF
  await xapi.call('network_sriov.destroy', sriov)
  await waitFor(() => get(sriov) === undefined, 'the network_sriov to go')
  await waitFor(() => get(logical) === undefined, 'the logical PIF to go')
  await waitFor(() => get(port1.$ref).sriov_physical_PIF_of.length === 0,
    'the back-link to go')
  await xapi.call('network.destroy', net)
  await waitFor(() => get(net) === undefined, 'the network to go')
})
await step('callAsync: Async calls and their tasks', async () => {
  // XO's callAsync: Async.<method>, the task watched through event.from
  // (class task), its result parsed from XML-RPC, then task.destroy.
  const before = xapi._nTasks
  const net2 = await xapi.call('network.create', networkRecord('async'))
  const sriov2 = await xapi.callAsync('network_sriov.create', port1.$ref,
    net2)
  assert.match(sriov2, /^OpaqueRef:[0-9a-f-]{36}$/)
  await waitFor(() => get(sriov2) !== undefined, 'the async network_sriov')
  assert.equal(get(sriov2).physical_PIF, port1.$ref)
  await assert.rejects(
    xapi.callAsync('network_sriov.create', eno1.$ref, net2),
    e => e.code === 'PIF_IS_NOT_SRIOV_CAPABLE' && e.params[0] === eno1.$ref &&
      e.task.status === 'failure')
  await assert.rejects(xapi.call('Async.network_sriov.create', port1.$ref),
    e => e.code === 'MESSAGE_PARAMETER_COUNT_MISMATCH' &&
      e.params.join() === 'Async.network_sriov.create,2,1')
  assert.equal(await xapi.callAsync('network_sriov.destroy', sriov2), '')
  await waitFor(() => get(sriov2) === undefined, 'the async one to go')
  assert.equal(await xapi.callAsync('network.destroy', net2), '')
  // callAsync destroys its tasks: the cache's count comes back.
  await waitFor(() => cached('task').length === 0 && xapi._nTasks === before,
    'the tasks to be destroyed')
  const task = await xapi.call('task.create', 'xo', 'a task')
  await waitFor(() => get(task) !== undefined, 'task.create\'s task')
  assert.equal(get(task).status, 'pending')
  await xapi.call('task.cancel', task)
  await waitFor(() => get(task).status === 'cancelled', 'the cancel')
  await xapi.call('task.destroy', task)
  await waitFor(() => get(task) === undefined, 'the task to go')
  await assert.rejects(xapi.call('task.get_status', task),
    e => e.code === 'HANDLE_INVALID' && e.params.join() === `task,${task}`)
})
await step('watch error free', async () => {
  assert.equal(xapi.watchEventsError, undefined)
})
await xapi.disconnect()
console.log(`npm xen-api over ${transport} against xen-sriovd:`,
  `${passed()} passed, 0 failed`)
process.exit(0)
