// Shell snippets that tests run on lab hosts around a deployment. Plain strings (no `import.meta`), so
// Vitest lab tests and Playwright specs share them.

/**
 * Stops the compose project of the deployment cloned at `dir` (its deploy/join, compose file `file`)
 * with its volumes, then (unless `keepDir`) removes `dir`. Never fails: for clean-up before and after
 * a test, when there may be nothing to stop.
 */
export function removeDeploymentScript(
  dir: string,
  file: string,
  options: { keepDir?: boolean } = {},
): string {
  const remove = options.keepDir ? '' : ` sudo rm -rf ${dir};`
  return `cd ${dir}/deploy/join 2>/dev/null && . ./config.env && docker compose -f ${file} down -v -t 1 >/dev/null 2>&1;${remove} true`
}
