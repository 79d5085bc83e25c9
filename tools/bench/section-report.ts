/** A target a section judged, for the summary at the end of the report. */
export interface Judged {
  readonly label: string;
  readonly met: boolean;
}

/** What one section of the report prints, and what the summary at the end repeats. */
export interface SectionReport {
  readonly lines: readonly string[];
  readonly judged: readonly Judged[];
  /** Measured, but not quite as specified (a load generator behind its schedule). */
  readonly warnings: readonly string[];
  /** What could not be measured at all (a gateway that did not start); the bench then exits 1. */
  readonly unmeasured: readonly string[];
}
