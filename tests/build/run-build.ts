/**
 * Runs one Astro build with the project's own config, writing to a given output
 * and cache folder so a test build never touches dist/ or the shared content cache.
 * Usage: CONTENT_DIR=... node tests/build/run-build.ts <outDir> <cacheDir>
 */
import { build } from 'astro';

const [outDir, cacheDir] = process.argv.slice(2);
if (!outDir || !cacheDir) {
  console.error('usage: node tests/build/run-build.ts <outDir> <cacheDir>');
  process.exit(2);
}

try {
  await build({ root: process.cwd(), outDir, cacheDir, logLevel: 'warn' });
} catch (error) {
  // The message is what a person needs (the content gate lists `file: field: message`); the stack is not.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
