/**
 * Preloaded with --import: records every module the process loads (ESM and CommonJS alike) and, as it exits,
 * writes their URLs to the file named by MODULE_LOG, one a line.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.add(resolved.url);
    return resolved;
  },
});
process.on('exit', () => writeFileSync(process.env.MODULE_LOG!, [...loaded].join('\n')));
