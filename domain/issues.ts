/**
 * What is wrong with an input, one type everywhere: where in the input, and what.
 *
 *   Issue<At>  = At & { message }        message: what is wrong, in words a person can act on
 *   Issue      = { path, message }       a request part: "items[0].quantity", "(body)", a query key
 *                                        (the API's `{ error, issues }` answer, CONTRACT section 4)
 *   RowIssue   = { row, field, message } a cell of an uploaded file: 1-based line, column name or
 *                                        "(file)" / "(header)" / an import field (section 12)
 *   FileIssue  = { file, field, message } a field of a content file (content validation, vet:
 *                                        printed `file: field: message`, section 1)
 *   FieldIssue = { field, message }      a field of a form ("(form)" for the whole form)
 *   Issue<{ line }>                      a line of a saved log (scripts/lib/unsaved-clicks.ts)
 *
 * The address differs only because the inputs differ (and the wire shapes are fixed by the
 * contract and the tests); everything that reports what is wrong with an input uses one of these.
 * Why a request is refused as a whole is a reason (a string union next to the rule); the
 * worker maps reasons to HTTP status in one table (worker/lib/reasons.ts).
 */
import type { z } from 'zod';

export type Issue<At = { path: string }> = At & { message: string };
export type RowIssue = Issue<{ row: number; field: string }>;
export type FileIssue = Issue<{ file: string; field: string }>;
export type FieldIssue = Issue<{ field: string }>;

/** A zod path as people write it: `items[0].quantity`; the empty path names the whole input ("(file)" by default). */
export function fieldPath(path: readonly PropertyKey[], whole = '(file)'): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || whole;
}

/** A zod error as issues of a request: "is required" for a missing value, unknown keys named, "(body)" for the whole body. */
export function issuesOf(error: { issues: readonly z.core.$ZodIssue[] }): Issue[] {
  return error.issues.map((issue) => ({
    path: fieldPath(issue.path, '(body)'),
    message:
      issue.code === 'invalid_type' && issue.input === undefined
        ? 'is required'
        : issue.code === 'unrecognized_keys'
          ? `unknown key(s): ${issue.keys.join(', ')}`
          : issue.message,
  }));
}
