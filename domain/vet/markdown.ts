/**
 * Escaping for text an applicant wrote. The report is posted as a PR comment by
 * a bot, so user text must not be able to ping people (@org/team), embed images
 * (tracking pixels), inject HTML or break a table.
 */

/** What can start markup inline: emphasis, code, links/images, HTML, table cells. */
const SPECIAL = /[\\`*_[\]<>|~]/g;

/** Plain inline text: markdown and HTML neutralised, mentions broken, one line. */
export function inlineText(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .trim()
    .replace(SPECIAL, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

/** A code span (ids, paths, URLs, hosts): nothing inside is rendered or autolinked. */
export function code(value: string): string {
  const flat = value.replace(/\s+/g, ' ').replace(/`/g, "'");
  return `\`${flat}\``;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(2))}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
