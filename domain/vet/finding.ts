import type { Issue } from '../issues.ts';

/** One judgement of the vetting check: what it checked, about which field, and how bad. */
export type Level = 'pass' | 'warn' | 'error';

/** The one Issue type (domain/issues.ts) addressed by field, with the check and its level. */
export type Finding = Issue<{
  level: Level;
  check: string;
  /** Field of the file the finding is about ("(file)" for the whole file). */
  field: string;
}>;
