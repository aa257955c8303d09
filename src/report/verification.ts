/**
 * A replay's verdict on its outputs (workloads/replay-report.ts holds the schema): the report and
 * HTML code describe it here, structurally, since src/ must not import the workloads.
 */
export interface VerificationCheck {
  readonly name: string;
  readonly value: number;
  readonly threshold: number;
  /** `max`: value must not exceed threshold; `min`: must not fall below it. */
  readonly bound: 'max' | 'min';
  readonly ok: boolean;
  readonly detail?: string | undefined;
}

export interface Verification {
  readonly ok: boolean;
  readonly verifyMs: number;
  readonly checks: readonly VerificationCheck[];
}

/** Integers as they are, moderate numbers to 4 significant digits, the rest in exponent form. */
export function formatCheckNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

/** `held-out accuracy: 0.91 >= 0.95`, with the check's detail in parentheses. */
export function describeCheck(check: VerificationCheck): string {
  return `${check.name}: ${formatCheckNumber(check.value)} ${check.bound === 'max' ? '<=' : '>='} ${formatCheckNumber(check.threshold)}${check.detail ? ` (${check.detail})` : ''}`;
}

/** The verdict and one line per check, as replay and report print them (indented under a summary). */
export function formatVerificationLines(verification: Verification): string[] {
  return [
    `  verification     ${verification.ok ? 'PASS' : 'FAIL'} (${verification.verifyMs.toFixed(0)} ms)`,
    ...verification.checks.map((c) => `    ${c.ok ? 'ok  ' : 'FAIL'} ${describeCheck(c)}`),
  ];
}
