/** `npm run gen`: validates content and writes the worker's route table (the build does this too). */
import { formatError } from '../domain/content/validate.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import { writeRouteTable } from '../build/write-route-table.ts';

const { content, errors } = loadContent(contentDir());
if (!content) {
  for (const error of errors) console.error(formatError(error));
  process.exit(1);
}
console.log(`route table written to ${writeRouteTable(content)}`);
