/** `npm run check:content [-- <content-dir>]`: validates all content, prints every error. */
import { formatError } from '../domain/content/validate.ts';
import { loadContent } from '../build/load-content.ts';

const root = process.argv[2] ?? 'content';
const { content, errors } = loadContent(root);
if (errors.length > 0 || !content) {
  for (const error of errors) console.error(formatError(error));
  console.error(`\n${errors.length} content error${errors.length === 1 ? '' : 's'} in ${root}/`);
  process.exit(1);
}
const approved = content.influencers.filter((i) => i.status === 'approved').length;
console.log(
  `content ok: ${content.influencers.length} influencers (${approved} approved), ${content.products.length} products, ${content.retailers.length} retailers`,
);
