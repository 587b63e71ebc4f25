/** The crash test's scripted outcomes, keyed by the case number written in the description. */
import type { CaseScript } from '../support/case-driver.js';

export function scriptForCase(description: string): CaseScript {
  const n = Number(/#(\d+)/.exec(description)?.[1] ?? 0);
  return { substantiated: n % 4 !== 3, failedRechecks: n % 3 === 1 ? 1 : 0, returnsFromReview: n % 5 === 2 ? 1 : 0 };
}
