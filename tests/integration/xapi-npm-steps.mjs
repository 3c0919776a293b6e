// SPDX-License-Identifier: LGPL-2.1-or-later
// What the npm xen-api clients of the tests share: named steps that stop
// the run at the first failure, waiting for the client's cache to catch
// up, and the count printed at the end.
export function testSteps (transport) {
  let passed = 0

  // xen-api's event loop dies on an unhandled rejection (Node exits).
  process.on('unhandledRejection', error => {
    console.error(`FAIL (${transport}): unhandled rejection:`, error)
    process.exit(1)
  })

  return {
    // 120 s at most: a change reaches the cache in well under a second,
    // but CI runs this next to two builds on two cores.
    async waitFor (pred, what, ms = 120000) {
      const start = Date.now()
      while (Date.now() - start < ms) {
        if (pred()) {
          if (Date.now() - start > 5000) {
            console.log(`# slow: ${what} took ${Date.now() - start} ms`)
          }
          return
        }
        await new Promise(resolve => setTimeout(resolve, 25))
      }
      throw new Error(`gave up waiting for ${what} (${Date.now() - start} ms)`)
    },
    async step (name, fn) {
      try {
        await fn()
        passed++
      } catch (error) {
        console.error(`FAIL (${transport}): ${name}:`, error)
        process.exit(1)
      }
    },
    passed: () => passed
  }
}
