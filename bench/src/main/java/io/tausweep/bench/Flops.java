package io.tausweep.bench;

import io.tausweep.model.arch.Mlp;

/**
 * The matrix-multiply FLOPs (2*m*n*k per product) of one cell's training, counted from the
 * 784-128-128-10 MLP and the products tausweep performs: the arithmetic the method needs, not what
 * a library happens to compute, so wasted products (e.g. the input gradient of the first layer, the
 * weight gradients of frozen layers) would lower the achieved fraction of the ceiling instead of
 * raising it; and products tausweep does not perform are not counted either. Element-wise work is
 * not counted.
 *
 * <ul>
 *   <li>Forward, every method: {@code 2 * (784*128 + 128*128 + 128*10) = 236,032} per image; LoRA
 *       adds {@code 2 * r * (nIn + nOut)} per layer for {@code x A} and {@code (xA) B}: 20,896 at r
 *       = 8.
 *   <li>Full FT and the foundation, per training step and image: that forward, the weight gradients
 *       of all layers (236,032) and the input gradients of layers 2 and 3 (35,328): 507,392.
 *   <li>BitFit, TauGate and LoRA keep the first layer's W, so they compute its product {@code X W}
 *       once for the training split ({@code 2 * c * 128} per image over the split's {@code c}
 *       non-blank pixel columns) and each step runs layers 2-3 from it: forward 35,328, the input
 *       gradients of layers 2 and 3 (35,328), which the biases of layers 1-2 and the gates need,
 *       and for LoRA its low-rank terms (forward 20,896; backward {@code dB = (xA)^T delta}, {@code
 *       delta B^T}, {@code dA = x^T (delta B^T)}, plus {@code (delta B^T) A^T} for layers 2 and 3:
 *       29,248).
 *   <li>The per-epoch training-accuracy pass (inside the training time): a forward over the
 *       training images, whose first-layer product skips the blank columns ({@code 2 * c * 128})
 *       for Full FT and the foundation, and reuses the split's product for the others.
 * </ul>
 *
 * Counting the full 784 columns instead would credit BitFit, TauGate and LoRA with first-layer
 * products they never compute, and Full FT with the blank columns of its accuracy passes.
 */
public final class Flops {
  /** Multiply-adds of one forward pass of the plain MLP. */
  public static final long MACS = macs();

  /** FLOPs of one forward pass of the plain MLP. */
  public static final long FORWARD = 2 * MACS;

  /**
   * FLOPs of the input gradients of layers 2 and 3 (every trained method backpropagates through
   * them).
   */
  public static final long INPUT_GRAD_2_3 =
      2L * (Mlp.WIDTHS[1] * Mlp.WIDTHS[2] + Mlp.WIDTHS[2] * Mlp.WIDTHS[3]);

  /** FLOPs of the forward pass of layers 2 and 3 (the same products, untransposed). */
  public static final long UPPER_FORWARD = INPUT_GRAD_2_3;

  private Flops() {}

  private static long macs() {
    long m = 0;
    for (int l = 0; l < Mlp.LINEAR_LAYERS; l++) {
      m += (long) Mlp.WIDTHS[l] * Mlp.WIDTHS[l + 1];
    }
    return m;
  }

  /** FLOPs of the first layer's product for one image from {@code columns} of its pixels. */
  public static long firstLayer(int columns) {
    return 2L * columns * Mlp.WIDTHS[1];
  }

  /** Extra forward FLOPs of LoRA at rank r: {@code x A} and {@code (xA) B} per layer. */
  public static long loraForwardExtra(int r) {
    long f = 0;
    for (int l = 0; l < Mlp.LINEAR_LAYERS; l++) {
      f += 2L * r * (Mlp.WIDTHS[l] + Mlp.WIDTHS[l + 1]);
    }
    return f;
  }

  /**
   * Backward FLOPs of LoRA's low-rank factors at rank r (the W path is {@link #INPUT_GRAD_2_3}).
   */
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

  /** Forward plus backward FLOPs per image of one training step of a method (0 for frozen). */
  public static long trainStep(String method, int loraRank) {
    return switch (method) {
      case "frozen" -> 0;
      case "foundation", "full_ft" -> FORWARD + FORWARD + INPUT_GRAD_2_3;
      case "bitfit", "taugate" -> UPPER_FORWARD + INPUT_GRAD_2_3;
      case "lora" ->
          UPPER_FORWARD + loraForwardExtra(loraRank) + INPUT_GRAD_2_3 + loraBackwardExtra(loraRank);
      default -> throw new IllegalArgumentException("Unknown method: " + method);
    };
  }

  /**
   * FLOPs of a cell's whole training: the steps, the per-epoch training-accuracy passes and
   * (methods that keep W) the training split's first-layer product.
   *
   * @param images training images
   * @param epochs epochs
   * @param columns pixel columns that are non-zero in some training image
   */
  public static long train(String method, int loraRank, int images, int epochs, int columns) {
    if (method.equals("frozen")) {
      return 0;
    }
    boolean ownW = method.equals("foundation") || method.equals("full_ft");
    long accuracyPass =
        ownW
            ? firstLayer(columns) + UPPER_FORWARD
            : UPPER_FORWARD + (method.equals("lora") ? loraForwardExtra(loraRank) : 0);
    long product = ownW ? 0 : (long) images * firstLayer(columns);
    return product + (long) epochs * images * (trainStep(method, loraRank) + accuracyPass);
  }
}
