import { RuleTester, type Rule } from 'eslint'
import { describe, it } from 'vitest'
import tseslint from 'typescript-eslint'
// The project's own lint rule, exactly as eslint.config.mjs applies it to renderer/**/*.tsx.
import { i18nPlugin } from '../../eslint.config.mjs'

RuleTester.describe = describe
RuleTester.it = it
const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
})

tester.run('ghw/no-literal-ui-text', i18nPlugin.rules['no-literal-ui-text'] as unknown as Rule.RuleModule, {
  valid: [
    { code: 'const a = <p>{t("x")}</p>' },
    { code: 'const a = <span aria-hidden="true">{index + 1}</span>' },
    { code: 'const a = <input aria-label={t("x")} className="field" id="name" />' },
    { code: 'const a = <p> — : 42 </p>' },
  ],
  invalid: [
    { code: 'const a = <p>Save</p>', errors: [{ messageId: 'literal' }] },
    { code: 'const a = <p>保存</p>', errors: [{ messageId: 'literal' }] },
    { code: 'const a = <input placeholder="Address" />', errors: [{ messageId: 'literal' }] },
    { code: 'const a = <nav aria-label={"Steps"} />', errors: [{ messageId: 'literal' }] },
  ],
})
