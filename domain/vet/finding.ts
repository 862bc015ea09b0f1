/** One judgement of the vetting check: what it checked, about which field, and how bad. */
export type Level = 'pass' | 'warn' | 'error';

export interface Finding {
  level: Level;
  check: string;
  /** Field of the file the finding is about ("(file)" for the whole file). */
  field: string;
  message: string;
}
