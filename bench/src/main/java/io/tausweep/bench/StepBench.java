package io.tausweep.bench;

import io.tausweep.model.arch.Mlp;
import io.tausweep.model.engine.LeanNet;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.BitFit;
import io.tausweep.model.method.FullFineTune;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.TauGate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Time per training step of each method's network at batch 64 through {@link LeanNet}, on one fixed
 * batch (so nothing but the step is timed): the per-step view behind the per-cell figures of {@link
 * CellBench}.
 *
 * <pre>
 *   bench/step [--steps 3000] [--reps 3] [--method full_ft|bitfit|taugate|lora]
 * </pre>
 *
 * Prints, per method (all four unless {@code --method} names one, e.g. to profile it alone), the
 * best of {@code reps} rounds of {@code steps} steps in microseconds per step.
 */
public final class StepBench {
  private StepBench() {}

  public static void main(String[] args) {
    Map<String, String> a = Args.parse(args, "--steps", "--reps", "--method");
    int steps = Integer.parseInt(a.getOrDefault("--steps", "3000"));
    int reps = Integer.parseInt(a.getOrDefault("--reps", "3"));
    Adam adam = new Adam(1e-3);
    MultiLayerNetwork foundation = Mlp.initialised(1, adam, adam);
    SplittableRandom rng = new SplittableRandom(7);
    float[] pixels = new float[64 * Mlp.INPUTS];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) rng.nextDouble();
    }
    INDArray x = Nd4j.create(pixels, new long[] {64, Mlp.INPUTS}, 'c');
    INDArray y = Nd4j.zeros(DataType.FLOAT, 64, Mlp.CLASSES);
    for (int i = 0; i < 64; i++) {
      y.putScalar(i, i % Mlp.CLASSES, 1.0);
    }
    List<AdaptationMethod> methods =
        List.of(
            new FullFineTune(5e-4),
            new BitFit(3e-3),
            new TauGate(3e-3, 5.0, -0.1, 1.0),
            new LoRA(5e-4, 8, 16.0));
    String only = a.get("--method");
    if (only != null && methods.stream().noneMatch(m -> m.id().equals(only))) {
      throw new IllegalArgumentException(
          "--method " + only + ": expected one of full_ft, bitfit, taugate, lora");
    }
    for (AdaptationMethod m : methods) {
      if (only != null && !m.id().equals(only)) {
        continue;
      }
      MultiLayerNetwork net = m.prepare(foundation, m.usesLambda() ? 0.0 : null, 1);
      try (LeanNet lean = LeanNet.compile(net).orElseThrow()) {
        double best = Double.MAX_VALUE;
        for (int rep = -1; rep < reps; rep++) { // one untimed warm-up round
          long t = System.nanoTime();
          for (int i = 0; i < steps; i++) {
            lean.fit(x, y);
          }
          if (rep >= 0) {
            best = Math.min(best, (System.nanoTime() - t) / 1e3 / steps);
          }
        }
        System.out.printf(
            Locale.ROOT,
            "stepbench: %-8s %7.1f us/step (batch 64, best of %d x %d steps)%n",
            m.id(),
            best,
            reps,
            steps);
      }
    }
  }
}
