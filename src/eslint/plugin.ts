import { createPlugin } from './create-plugin';

/**
 * `fnscan/eslint-plugin`: the fnscan rules for ESLint 9 and 10 flat config.
 *
 *     import fnscan from 'fnscan/eslint-plugin';
 *     export default [fnscan.configs.recommended];
 *
 * Exported as `module.exports` so both `import` and `require` get the plugin itself.
 */
const plugin = createPlugin();

export = plugin;
