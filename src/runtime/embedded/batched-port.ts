import type { MessagePort } from 'node:worker_threads';

/**
 * Messages to one MessagePort, sent in batches: everything posted in one turn of the event loop
 * goes as one postMessage when the turn ends. A postMessage costs tens of microseconds (a
 * structured clone and a wake-up of the other thread), and an executor running a chain of small
 * tasks posts a put and an inbox message per task. Order is kept, within a batch and across them.
 */
export class BatchedPort<M> {
  private batch: M[] = [];
  /** Batches sent so far: what is posted while this stays the same goes in one batch. */
  batchesSent = 0;

  constructor(private readonly port: MessagePort) {}

  post(message: M): void {
    this.batch.push(message);
    if (this.batch.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    this.batchesSent += 1;
    if (batch.length > 0) this.port.postMessage(batch);
  }
}

/** Calls `handle` for each message of the batches arriving on `port`, in order. */
export function onBatches<M>(port: MessagePort, handle: (message: M) => void): void {
  port.on('message', (batch: M[]) => {
    for (const message of batch) handle(message);
  });
}
