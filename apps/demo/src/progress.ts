import { SingleBar } from 'cli-progress';
import type { StepReport } from './train';

/** A progress bar for one epoch with loss, accuracy and throughput, written to stderr. */
export class EpochProgress {
  private readonly bar: SingleBar | null;
  private readonly start = performance.now();

  constructor(epoch: number, epochs: number, batches: number, enabled: boolean) {
    this.bar = enabled
      ? new SingleBar({
          format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | accuracy {accuracy} | {rate} samples/s`,
          barCompleteChar: '=',
          barIncompleteChar: ' ',
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stderr,
        })
      : null;
    this.bar?.start(batches, 0, { loss: '-', accuracy: '-', rate: '-' });
  }

  update(step: StepReport): void {
    const seconds = (performance.now() - this.start) / 1000;
    this.bar?.update(step.batch, {
      loss: step.loss.toFixed(4),
      accuracy: (step.correct / step.samples).toFixed(4),
      rate: Math.round(step.samples / Math.max(seconds, 1e-9)),
    });
  }

  stop(): void {
    this.bar?.stop();
  }
}
