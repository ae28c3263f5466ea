import { noGrad } from '@tessera/autograd';
import { keep, type Tensor, tidy, ValueError } from '@tessera/tensor';

/**
 * Scales the gradients of `params` in place so their joint L2 norm is at most `maxNorm`, and
 * returns the norm before clipping (as PyTorch's `clip_grad_norm_`).
 *
 * @example
 * backward(loss);
 * await clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 */
export async function clipGradNorm(params: readonly Tensor[], maxNorm: number): Promise<number> {
  if (!(maxNorm > 0)) throw new ValueError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const withGrad = params.filter((p) => p.grad !== null);
  if (withGrad.length === 0) return 0;
  const normTensor = tidy(() =>
    noGrad(() =>
      withGrad
        .map((p) => p.grad!.square().sum())
        .reduce((a, b) => a.add(b))
        .sqrt(),
    ),
  );
  const norm = await normTensor.item();
  normTensor.dispose();
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const p of withGrad) {
      const scaled = tidy(() => noGrad(() => p.grad!.mul(scale)));
      p.grad!.dispose();
      p.grad = keep(scaled);
    }
  }
  return norm;
}
