import { readFileSync } from 'node:fs';

/** Orion's version from package.json, which sits one level above src/ and dist/ (also in the image). */
export function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
