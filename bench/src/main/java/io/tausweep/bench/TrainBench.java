package io.tausweep.bench;

import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.data.MnistFetcher;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.Methods;
import io.tausweep.model.rng.Seeds;
import io.tausweep.model.sweep.Experiment;
import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Split;
import io.tausweep.model.train.SplitCache;
import io.tausweep.model.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * One method's cell, trained and evaluated many times in one JVM on real MNIST with the paper's
 * budget: the best training and evaluation times, for profiling one method (attach async-profiler)
 * and for before/after timings of a change (run it alternately against two builds' job jars; {@code
 * bench/train} takes {@code --job-jar}).
 *
 * <pre>
 *   bench/train --method full_ft [--rounds 200] [--data-dir DIR] [--job-jar JAR]
 * </pre>
 *
 * Each round prepares the method's network from one foundation (trained once, untimed), forgets the
 * shared first-layer products (so the round pays for its own, as the first cell of a foundation
 * does), trains it and evaluates it on both test sets, as {@link CellBench} times a cell.
 */
public final class TrainBench {
  private TrainBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = Args.parse(args, "--method", "--rounds", "--data-dir");
    String id = Args.required(a, "--method");
    int rounds = Integer.parseInt(a.getOrDefault("--rounds", "200"));
    Budget budget = Budget.defaults();
    Mnist mnist =
        Mnist.load(MnistFetcher.ensure(Path.of(a.getOrDefault("--data-dir", "data/mnist"))));
    SplitCache data = new SplitCache(mnist, budget);
    AdaptationMethod m =
        Methods.defaults().stream()
            .filter(x -> x.id().equals(id))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--method "
                            + id
                            + ": expected one of frozen, bitfit, taugate, lora, "
                            + "full_ft"));
    Split train = data.specialize(0, 45.0);
    MultiLayerNetwork foundation =
        Experiment.trainFoundation(
                budget, data.foundation(0, 45.0), Experiment.foundationNetwork(budget, 0), 0)
            .network();
    double bestTrain = Double.MAX_VALUE;
    double bestEval = Double.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      MultiLayerNetwork net = m.prepare(foundation, m.usesLambda() ? 0.0 : null, 0);
      Evaluator.clearSharedProducts();
      long t0 = System.nanoTime();
      if (m.trains()) {
        Trainer.fit(
            net,
            train,
            budget.specializeEpochs(),
            budget.specializeBatchSize(),
            budget.evalBatchSize(),
            budget.maxLoss(),
            Seeds.stream(0, "shuffle/specialize"));
      }
      long t1 = System.nanoTime();
      m.evaluate(net, data.test(0.0), data.test(45.0), budget.evalBatchSize());
      long t2 = System.nanoTime();
      bestTrain = Math.min(bestTrain, (t1 - t0) / 1e6);
      bestEval = Math.min(bestEval, (t2 - t1) / 1e6);
    }
    System.out.printf(
        Locale.ROOT,
        "trainbench: %-8s train %.2f ms  eval %.2f ms (best of %d rounds)%n",
        id,
        bestTrain,
        bestEval,
        rounds);
  }
}
