/** `npm run docs`: writes the settings reference into docs/configuration.md from the settings table. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ROOT, withReference } from './settingsReference.js';

const file = new URL('docs/configuration.md', ROOT);
writeFileSync(file, withReference(readFileSync(file, 'utf8')));
