/** Builds the route table from the sample content before the worker is bundled. */
import { formatError } from '../../domain/content/validate.ts';
import { loadContent } from '../../scripts/lib/load-content.ts';
import { writeRouteTable } from '../../scripts/lib/write-route-table.ts';

export default function setup() {
  const { content, errors } = loadContent('content');
  if (!content) throw new Error(errors.map(formatError).join('\n'));
  writeRouteTable(content);
}
