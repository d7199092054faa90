package io.tausweep.bench;

import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.data.MnistFetcher;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.Evaluation;
import io.tausweep.model.method.LoRA;
import io.tausweep.model.method.Methods;
import io.tausweep.model.rng.Seeds;
import io.tausweep.model.sweep.Experiment;
import io.tausweep.model.sweep.FoundationRun;
import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Split;
import io.tausweep.model.train.SplitCache;
import io.tausweep.model.train.Trainer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The single-core ceiling and the cost of one cell per method, through the real model code
 * (Experiment, Trainer, Evaluator, the methods) on real MNIST with the paper's budget. Usage
 * (bench/run passes these):
 *
 * <pre>
 *   CellBench --data-dir DIR --out FILE.json [--reps 3] [--warmup 1] [--seed 0] [--angle 45]
 * </pre>
 *
 * The ceiling is the best of several 2048x2048 float32 products through ND4J; the per-method
 * figures are the best (minimum) over {@code reps} rounds after {@code warmup} untimed rounds (so
 * the JIT and ND4J's caches are warm, as they are for every cell but the first in a Spark
 * executor), by the wall clock and by this thread's CPU clock: on a shared machine interference
 * only ever adds time, and with one ND4J/BLAS thread all work runs on the calling thread.
 */
public final class CellBench {
  private static final int SGEMM_N = 2048;
  private static final int SGEMM_ROUNDS = 5;

  private CellBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a =
        Args.parse(args, "--data-dir", "--out", "--reps", "--warmup", "--seed", "--angle");
    Path dataDir = Path.of(a.getOrDefault("--data-dir", "data/mnist"));
    Path out = Path.of(Args.required(a, "--out"));
    int reps = Integer.parseInt(a.getOrDefault("--reps", "3"));
    int warmup = Integer.parseInt(a.getOrDefault("--warmup", "1"));
    long seed = Long.parseLong(a.getOrDefault("--seed", "0"));
    double angle = Double.parseDouble(a.getOrDefault("--angle", "45"));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("machine", Machine.describe());
    result.put("sgemm", sgemm());
    Budget budget = Budget.defaults();
    result.put("budget", budget.toString());

    Mnist mnist = Mnist.load(MnistFetcher.ensure(dataDir));
    SplitCache data = new SplitCache(mnist, budget);
    // Rotation and subsetting happen once per executor in a sweep, not per cell: build them
    // untimed.
    data.specialize(seed, angle);
    // The pixel columns that are non-zero in some training image: what the first-layer products
    // multiply.
    int specializeColumns = data.specialize(seed, angle).nonBlankColumns().length;
    int foundationColumns = data.foundation(seed, angle).nonBlankColumns().length;
    data.test(0.0);
    data.test(angle);

    List<AdaptationMethod> methods = Methods.defaults();
    int loraRank =
        methods.stream()
            .filter(m -> m instanceof LoRA)
            .map(m -> ((LoRA) m).rank())
            .findFirst()
            .orElse(LoRA.RANK_DEFAULT);
    Map<String, List<double[]>> samples = new LinkedHashMap<>();
    for (int rep = -warmup; rep < reps; rep++) {
      Evaluator.clearSharedProducts();
      // The foundation's images and initial network are made before the clock starts, as the NumPy
      // peer makes its own (in a sweep they are a foundation task's, once per foundation).
      Split foundationImages = data.foundation(seed, angle);
      MultiLayerNetwork initial = Experiment.foundationNetwork(budget, seed);
      Clock c = new Clock();
      FoundationRun f = Experiment.trainFoundation(budget, foundationImages, initial, seed);
      double[] train = c.lap();
      double fa0 = Evaluator.accuracy(f.network(), data.test(0.0), budget.evalBatchSize());
      double faT = Evaluator.accuracy(f.network(), data.test(angle), budget.evalBatchSize());
      double[] eval = c.lap();
      if (rep >= 0) {
        samples
            .computeIfAbsent("foundation", k -> new ArrayList<>())
            .add(new double[] {train[0], eval[0], train[1], eval[1], fa0, faT});
      }
      for (AdaptationMethod m : methods) {
        double[] s = cell(data, f.network(), m, seed, angle);
        if (rep >= 0) {
          samples.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(s);
        }
      }
      System.err.printf(
          Locale.ROOT,
          "cellbench: round %d of %d done (load %.1f)%n",
          rep + warmup + 1,
          reps + warmup,
          Machine.loadAverage());
    }

    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map.Entry<String, List<double[]>> e : samples.entrySet()) {
      String id = e.getKey();
      List<double[]> s = e.getValue();
      boolean foundation = id.equals("foundation");
      int trainImages =
          foundation ? 2 * budget.foundationImagesPerMode() : budget.specializeImages();
      int epochs = foundation ? budget.foundationEpochs() : budget.specializeEpochs();
      int columns = foundation ? foundationColumns : specializeColumns;
      long trainFlops = Flops.train(id, loraRank, trainImages, epochs, columns);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("method", id);
      row.put("train_s", min(s, 0));
      row.put("eval_s", min(s, 1));
      row.put("train_cpu_s", min(s, 2));
      row.put("eval_cpu_s", min(s, 3));
      row.put("train_s_all", column(s, 0));
      row.put("eval_s_all", column(s, 1));
      row.put("acc_0", s.get(0)[4]);
      row.put("acc_theta", s.get(0)[5]);
      row.put("train_flops", trainFlops);
      row.put("train_columns", columns);
      row.put("train_step_flops_per_image", Flops.trainStep(id, loraRank));
      rows.add(row);
      System.err.printf(
          Locale.ROOT,
          "cellbench: %-10s train %.3f s (cpu %.3f)  eval %.3f s (cpu %.3f)  acc %.4f / %.4f%n",
          id,
          min(s, 0),
          min(s, 2),
          min(s, 1),
          min(s, 3),
          s.get(0)[4],
          s.get(0)[5]);
    }
    result.put("cells", rows);
    result.put("reps", reps);
    result.put("peak_rss_mib", Machine.peakRssMib());
    Files.writeString(out, Json.write(result));
  }

  /** Best-of-rounds GFLOP/s of a large float32 product, and of the MLP's own batch-64 shapes. */
  static Map<String, Object> sgemm() {
    Map<String, Object> m = new LinkedHashMap<>();
    Nd4j.getRandom().setSeed(1);
    INDArray a = Nd4j.rand(DataType.FLOAT, SGEMM_N, SGEMM_N);
    INDArray b = Nd4j.rand(DataType.FLOAT, SGEMM_N, SGEMM_N);
    INDArray c = Nd4j.createUninitialized(DataType.FLOAT, SGEMM_N, SGEMM_N);
    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    double best = Double.MAX_VALUE;
    double[] all = new double[SGEMM_ROUNDS];
    for (int r = 0; r < SGEMM_ROUNDS; r++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      all[r] = (System.nanoTime() - t0) / 1e9;
      best = Math.min(best, all[r]);
    }
    double flops = 2.0 * SGEMM_N * SGEMM_N * SGEMM_N;
    m.put("n", SGEMM_N);
    m.put("best_s", best);
    m.put("gflops", flops / best / 1e9);
    m.put("gflops_all", Arrays.stream(all).map(t -> flops / t / 1e9).boxed().toList());
    // The first layer's forward product at batch 64: what BLAS itself reaches on this step's
    // shapes.
    m.put("gflops_64x784x128", smallGemm(64, 784, 128));
    System.err.printf(
        Locale.ROOT,
        "cellbench: SGEMM %dx%d best %.1f GFLOP/s; 64x784x128 %.1f GFLOP/s%n",
        SGEMM_N,
        SGEMM_N,
        flops / best / 1e9,
        (double) m.get("gflops_64x784x128"));
    return m;
  }

  private static double smallGemm(int mm, int k, int n) {
    INDArray x = Nd4j.rand(DataType.FLOAT, mm, k);
    INDArray w = Nd4j.rand(DataType.FLOAT, k, n).dup('f');
    INDArray z = Nd4j.createUninitialized(DataType.FLOAT, new long[] {mm, n}, 'f');
    int calls = 2000;
    double best = Double.MAX_VALUE;
    for (int r = 0; r < 6; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return 2.0 * mm * k * n * calls / best / 1e9;
  }

  /**
   * One cell, the calls of {@code Experiment.runCell} one by one (prepare, Trainer.fit, Evaluator
   * on both test sets, the method's gate metrics) so that training and evaluation get both clocks.
   *
   * @return wall train, wall eval, CPU train, CPU eval (seconds), acc 0, acc theta
   */
  private static double[] cell(
      SplitCache data, MultiLayerNetwork foundation, AdaptationMethod m, long seed, double angle) {
    Budget b = data.budget();
    MultiLayerNetwork net = m.prepare(foundation, m.usesLambda() ? 0.0 : null, seed);
    // Timed as the first cell of its foundation: no first-layer products from earlier cells (a
    // sweep's later cells of the same foundation reuse them; the sweep figures below include that).
    Evaluator.clearSharedProducts();
    Clock c = new Clock();
    if (m.trains()) {
      Trainer.fit(
          net,
          data.specialize(seed, angle),
          b.specializeEpochs(),
          b.specializeBatchSize(),
          b.evalBatchSize(),
          b.maxLoss(),
          Seeds.stream(seed, "shuffle/specialize"));
    }
    double[] train = c.lap();
    // What a sweep cell runs (Experiment.runCell): both test sets, and TauGate's gate metrics.
    Evaluation e = m.evaluate(net, data.test(0.0), data.test(angle), b.evalBatchSize());
    double[] eval = c.lap();
    return new double[] {train[0], eval[0], train[1], eval[1], e.acc0(), e.accTheta()};
  }

  /** Wall and this thread's CPU time since the last lap. */
  private static final class Clock {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long wall = System.nanoTime();
    private long cpu = THREADS.getCurrentThreadCpuTime();

    double[] lap() {
      long w = System.nanoTime();
      long c = THREADS.getCurrentThreadCpuTime();
      double[] out = {(w - wall) / 1e9, (c - cpu) / 1e9};
      wall = w;
      cpu = c;
      return out;
    }
  }

  private static double min(List<double[]> s, int col) {
    return s.stream().mapToDouble(r -> r[col]).min().orElse(Double.NaN);
  }

  private static List<Double> column(List<double[]> s, int col) {
    return s.stream().map(r -> r[col]).toList();
  }
}
