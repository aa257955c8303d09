/**
 * A failed run's failure as one line of text: `task ID: MESSAGE`, or the message alone where it
 * already begins by naming the task (an op's failure reads "task c (op matrix.matmul) failed: ..."),
 * so reports do not say "task c: task c (op ...)".
 */
export function failureText(failure: { readonly taskId: string; readonly message: string } | undefined): string {
  if (!failure) return 'task ?: no message';
  return failure.message.startsWith(`task ${failure.taskId} `) ? failure.message : `task ${failure.taskId}: ${failure.message}`;
}
