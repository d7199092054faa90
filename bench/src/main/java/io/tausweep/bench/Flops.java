package io.tausweep.bench;

import io.tausweep.model.train.Mlp;

/**
 * The matrix-multiply FLOPs (2*m*n*k per product) that each method needs per image, counted from the
 * 784-128-128-10 MLP: what the arithmetic requires, not what a library happens to compute, so wasted
 * products (e.g. the input gradient of the first layer, the weight gradients of frozen layers) lower
 * the achieved fraction of the ceiling instead of raising it. Element-wise work is not counted.
 *
 * <ul>
 *   <li>Forward, every method: {@code 2 * (784*128 + 128*128 + 128*10) = 236,032}; LoRA adds
 *       {@code 2 * r * (nIn + nOut)} per layer for {@code x A} and {@code (xA) B}: 20,896 at r = 8.</li>
 *   <li>Full FT and the foundation: weight gradients of all layers (236,032) plus the input gradients
 *       of layers 2 and 3 (35,328): 271,360 backward, 507,392 per training image.</li>
 *   <li>BitFit and TauGate: only the input gradients of layers 2 and 3 (35,328), which the biases of
 *       layers 1-2 and the gates need: 271,360 per training image.</li>
 *   <li>LoRA: the input gradients of layers 2 and 3 through W (35,328), and per layer
 *       {@code dB = (xA)^T delta}, {@code delta B^T}, {@code dA = x^T (delta B^T)} ({@code 2r(2 nOut + nIn)}),
 *       plus {@code (delta B^T) A^T} for layers 2 and 3: 29,248; 321,504 per training image.</li>
 * </ul>
 *
 * Training time in tausweep also runs the per-epoch training-accuracy pass (one forward over the
 * training images), so it is counted too; evaluation is one forward per test image (TauGate: the soft
 * pass on both test sets, the hard pass on both, and one more forward on each for the per-neuron firing
 * counts).
 */
public final class Flops {
  /** Multiply-adds of one forward pass of the plain MLP. */
  public static final long MACS = macs();
  /** FLOPs of one forward pass of the plain MLP. */
  public static final long FORWARD = 2 * MACS;
  /** FLOPs of the input gradients of layers 2 and 3 (every trained method backpropagates through them). */
  public static final long INPUT_GRAD_2_3 = 2L * (Mlp.WIDTHS[1] * Mlp.WIDTHS[2] + Mlp.WIDTHS[2] * Mlp.WIDTHS[3]);

  private Flops() {}

  private static long macs() {
    long m = 0;
    for (int l = 0; l < Mlp.LINEAR_LAYERS; l++) {
      m += (long) Mlp.WIDTHS[l] * Mlp.WIDTHS[l + 1];
    }
    return m;
  }

  /** Extra forward FLOPs of LoRA at rank r: {@code x A} and {@code (xA) B} per layer. */
  public static long loraForwardExtra(int r) {
    long f = 0;
    for (int l = 0; l < Mlp.LINEAR_LAYERS; l++) {
      f += 2L * r * (Mlp.WIDTHS[l] + Mlp.WIDTHS[l + 1]);
    }
    return f;
  }

  /** Backward FLOPs of LoRA's low-rank factors at rank r (the W path is {@link #INPUT_GRAD_2_3}). */
  public static long loraBackwardExtra(int r) {
    long f = 0;
    for (int l = 0; l < Mlp.LINEAR_LAYERS; l++) {
      int in = Mlp.WIDTHS[l];
      int out = Mlp.WIDTHS[l + 1];
      f += 2L * r * out + 2L * r * out + 2L * r * in; // dB, delta B^T, dA
      if (l > 0) {
        f += 2L * r * in; // (delta B^T) A^T into the input gradient
      }
    }
    return f;
  }

  /** Forward FLOPs per image of a method's network. */
  public static long forward(String method, int loraRank) {
    return "lora".equals(method) ? FORWARD + loraForwardExtra(loraRank) : FORWARD;
  }

  /** Forward plus backward FLOPs per training image of a method (0 for frozen). */
  public static long trainStep(String method, int loraRank) {
    return switch (method) {
      case "frozen" -> 0;
      case "foundation", "full_ft" -> FORWARD + FORWARD + INPUT_GRAD_2_3;
      case "bitfit", "taugate" -> FORWARD + INPUT_GRAD_2_3;
      case "lora" -> forward(method, loraRank) + INPUT_GRAD_2_3 + loraBackwardExtra(loraRank);
      default -> throw new IllegalArgumentException("Unknown method: " + method);
    };
  }

  /** Forward passes over the test images per evaluation: TauGate adds the hard gate and the firing counts. */
  public static int evalPasses(String method) {
    return "taugate".equals(method) ? 6 : 2;
  }
}
