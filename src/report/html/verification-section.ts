import { describeCheck, type Verification } from '../verification.js';
import { escapeHtml } from './escape-html.js';

/**
 * A replay's verification on the page: a red line naming the failed checks (as a failed run's
 * line names its task), then every check with its verdict. Nothing for a run that was not verified.
 */
export function renderVerificationSection(verification: Verification | undefined): string {
  if (!verification) return '';
  const failed = verification.checks.filter((c) => !c.ok);
  const rows = verification.checks
    .map((c) => `<tr data-check-ok="${c.ok}"><td class="${c.ok ? '' : 'failed'}">${c.ok ? 'ok' : 'FAIL'}</td><td>${escapeHtml(describeCheck(c))}</td></tr>`)
    .join('');
  return [
    '<section id="verification"><h2>Verification</h2>',
    `<p id="verification-verdict" data-ok="${verification.ok}" class="${verification.ok ? '' : 'failed'}">${escapeHtml(verdictText(verification, failed.length))}</p>`,
    rows ? `<table class="verification"><tbody>${rows}</tbody></table>` : '',
    '</section>',
  ].join('');
}

/** The line atop the page when verification failed: the failed checks, as replay's stderr names them. */
export function renderVerificationFailedLine(verification: Verification | undefined): string {
  if (!verification || verification.ok) return '';
  const failed = verification.checks.filter((c) => !c.ok).map(describeCheck);
  return `<p class="failed" id="verification-failed">Verification failed${failed.length > 0 ? `: ${escapeHtml(failed.join('; '))}` : ''}</p>`;
}

/** The summary's status for a run that completed: `ok`, or that the replay's verification failed and which checks. */
export function verifiedStatus(verification: Verification | undefined): string {
  if (!verification || verification.ok) return 'ok';
  const failed = verification.checks.filter((c) => !c.ok).map((c) => c.name);
  return `run ok, verification FAIL${failed.length > 0 ? `: ${failed.join('; ')}` : ''}`;
}

function verdictText(verification: Verification, failedCount: number): string {
  const counted = `${verification.checks.length} check${verification.checks.length === 1 ? '' : 's'}`;
  if (verification.ok) return `PASS: the outputs passed all ${counted} (${verification.verifyMs.toFixed(0)} ms).`;
  return `FAIL: the run completed but its outputs failed ${failedCount} of ${counted}.`;
}
