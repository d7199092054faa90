package io.tausweep.model.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.data.MnistFetcher;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.Methods;
import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Split;
import io.tausweep.model.train.SplitCache;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One grid cell on real MNIST with a small budget: every method learns something, TauGate reports
 * its gate metrics, and a rerun of the same cell is bit-identical.
 */
class ExperimentTest {
  static SplitCache data;
  static FoundationRun foundation;

  @BeforeAll
  static void trainFoundation() {
    String dir = System.getProperty("tausweep.test.data.dir");
    Path mnistDir =
        dir != null
            ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".cache", "tausweep", "mnist");
    Mnist mnist = Mnist.load(MnistFetcher.ensure(mnistDir));
    data = new SplitCache(mnist, new Budget(300, 2, 64, 3e-3, 300, 2, 64, 2000, 1000, 10.0));
    foundation = Experiment.trainFoundation(data, 3, 45.0);
  }

  @Test
  void foundationLearnsBothModes() {
    assertThat(foundation.epochs()).hasSize(2);
    assertThat(foundation.epochs().get(1).loss()).isLessThan(foundation.epochs().get(0).loss());
    MultiLayerNetwork net = foundation.network();
    assertThat(Evaluator.accuracy(net, data.test(0.0), 1000)).isGreaterThan(0.6);
    assertThat(Evaluator.accuracy(net, data.test(45.0), 1000)).isGreaterThan(0.5);
  }

  @Test
  void everyMethodRunsAndReportsItsMetrics() {
    for (AdaptationMethod m : Methods.defaults()) {
      CellRun run =
          Experiment.runCell(data, foundation.network(), m, 3, 45.0, m.usesLambda() ? 0.1 : null);
      assertThat(run.accTheta()).as(m.id()).isGreaterThan(0.5);
      assertThat(run.epochs()).as(m.id()).hasSize(m.trains() ? 2 : 0);
      if (m.usesLambda()) {
        assertThat(run.gates()).isNotNull();
        assertThat(run.gates().highActFrac()).isBetween(0.05, 0.95);
        assertThat(run.gates().accThetaHard()).isGreaterThan(0.5);
      } else {
        assertThat(run.gates()).isNull();
      }
    }
  }

  @Test
  void rerunIsBitIdentical() {
    List<AdaptationMethod> all = Methods.defaults();
    AdaptationMethod taugate = all.get(2);
    CellRun a = Experiment.runCell(data, foundation.network(), taugate, 3, 45.0, 0.3);
    CellRun b = Experiment.runCell(data, foundation.network(), taugate, 3, 45.0, 0.3);
    assertThat(b.acc0()).isEqualTo(a.acc0());
    assertThat(b.accTheta()).isEqualTo(a.accTheta());
    assertThat(b.gates()).isEqualTo(a.gates());
    assertThat(b.epochs()).isEqualTo(a.epochs());
    FoundationRun again = Experiment.trainFoundation(data, 3, 45.0);
    assertThat(flat(again.network().params())).isEqualTo(flat(foundation.network().params()));
  }

  @Test
  void seedsDrawDisjointSubsetsAndDifferentFoundations() {
    Split f = data.foundation(3, 45.0);
    Split s = data.specialize(3, 45.0);
    assertThat(f.size()).isEqualTo(600);
    assertThat(s.size()).isEqualTo(300);
    assertThat(data.specialize(4, 45.0).x()).isNotEqualTo(s.x());
  }

  static float[] flat(org.nd4j.linalg.api.ndarray.INDArray a) {
    return a.dup('c').reshape(a.length()).toFloatVector();
  }

  @Test
  void savedFoundationRoundTrips() {
    MultiLayerNetwork copy = Experiment.fromBytes(Experiment.toBytes(foundation.network()));
    assertThat(flat(copy.params())).isEqualTo(flat(foundation.network().params()));
  }
}
