package io.tausweep.model.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.model.config.Budget;
import io.tausweep.model.data.Mnist;
import io.tausweep.model.data.MnistFetcher;
import io.tausweep.model.data.MnistImages;
import io.tausweep.model.data.Rotation;
import io.tausweep.model.method.AdaptationMethod;
import io.tausweep.model.method.Methods;
import io.tausweep.model.train.Evaluator;
import io.tausweep.model.train.Split;
import io.tausweep.model.train.SplitCache;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One grid cell on real MNIST with a small budget: every method learns something, TauGate reports
 * its gate metrics, and a rerun of the same cell is bit-identical.
 */
class ExperimentTest {
  static Mnist mnist;
  static SplitCache data;
  static FoundationRun foundation;

  @BeforeAll
  static void trainFoundation() {
    String dir = System.getProperty("tausweep.test.data.dir");
    Path mnistDir =
        dir != null
            ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".cache", "tausweep", "mnist");
    mnist = Mnist.load(MnistFetcher.ensure(mnistDir));
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

  /**
   * The rerun shares nothing with the first run: a fresh SplitCache (every split drawn and rotated
   * again), no shared first-layer products (training and evaluation compute theirs again) and a
   * foundation trained again from scratch; every number it reports is the same, bit for bit.
   */
  @Test
  void rerunIsBitIdentical() {
    AdaptationMethod taugate =
        Methods.defaults().stream().filter(m -> m.id().equals("taugate")).findFirst().orElseThrow();
    CellRun a = Experiment.runCell(data, foundation.network(), taugate, 3, 45.0, 0.3);

    Evaluator.clearSharedProducts();
    SplitCache fresh = new SplitCache(mnist, data.budget());
    FoundationRun again = Experiment.trainFoundation(fresh, 3, 45.0);
    assertThat(flat(again.network().params())).isEqualTo(flat(foundation.network().params()));
    assertThat(again.epochs()).isEqualTo(foundation.epochs());
    Evaluator.clearSharedProducts();
    CellRun b = Experiment.runCell(fresh, again.network(), taugate, 3, 45.0, 0.3);
    // Nothing cached came from the first run: its splits are other arrays (the products are keyed
    // on them), its foundation another network.
    assertThat(fresh.specialize(3, 45.0).x()).isNotSameAs(data.specialize(3, 45.0).x());
    assertThat(fresh.test(45.0).x()).isNotSameAs(data.test(45.0).x());
    assertThat(fresh.test(0.0).x()).isNotSameAs(data.test(0.0).x());
    assertThat(again.network()).isNotSameAs(foundation.network());

    assertThat(b.acc0()).isEqualTo(a.acc0());
    assertThat(b.accTheta()).isEqualTo(a.accTheta());
    assertThat(b.trainableParams()).isEqualTo(a.trainableParams());
    assertThat(a.gates()).isNotNull();
    assertThat(b.gates()).isEqualTo(a.gates());
    assertThat(a.epochs()).hasSize(2);
    assertThat(b.epochs()).isEqualTo(a.epochs());
  }

  /**
   * The foundation's 0-deg and rotated images and the specialization's are three disjoint sets of
   * MNIST training images, and the test images are MNIST's test set: recovered as image indices
   * from their pixels at 0 deg (no two MNIST training images have the same pixels, and no test
   * image is a training image), then checked against the splits at the angle. Another seed draws
   * other (equally disjoint) subsets and starts from another foundation.
   */
  @Test
  void seedsDrawDisjointSubsetsAndDifferentFoundations() {
    Budget b = data.budget();
    int f = b.foundationImagesPerMode();
    int spec = b.specializeImages();
    MnistImages train = mnist.train();
    Map<ByteBuffer, Integer> byPixels = new HashMap<>();
    for (int i = 0; i < train.size(); i++) {
      assertThat(byPixels.put(pixels(train, i), i)).as("image %d's pixels are unique", i).isNull();
    }

    int[][] seed3 = subsets(3, byPixels);
    int[][] seed4 = subsets(4, byPixels);
    for (int[][] sets : new int[][][] {seed3, seed4}) {
      assertThat(sets[0]).hasSize(f).doesNotHaveDuplicates();
      assertThat(sets[1]).hasSize(f).doesNotHaveDuplicates();
      assertThat(sets[2]).hasSize(spec).doesNotHaveDuplicates();
      assertThat(set(sets[0])).as("0 deg vs rotated").doesNotContainAnyElementsOf(set(sets[1]));
      assertThat(set(sets[0])).as("0 deg vs specialize").doesNotContainAnyElementsOf(set(sets[2]));
      assertThat(set(sets[1]))
          .as("rotated vs specialize")
          .doesNotContainAnyElementsOf(set(sets[2]));
    }

    // At the angle the splits are those same images: the 0-deg ones as they are, the others
    // rotated, with their labels.
    Split f45 = data.foundation(3, 45.0);
    float[] zero = Rotation.rotateAll(train, seed3[0], 0.0);
    float[] rotated = Rotation.rotateAll(train, seed3[1], 45.0);
    assertThat(f45.x()).hasSize(zero.length + rotated.length);
    assertThat(java.util.Arrays.copyOfRange(f45.x(), 0, zero.length)).isEqualTo(zero);
    assertThat(java.util.Arrays.copyOfRange(f45.x(), zero.length, f45.x().length))
        .isEqualTo(rotated);
    assertThat(f45.y()).isEqualTo(concat(train.labels(seed3[0]), train.labels(seed3[1])));
    Split s45 = data.specialize(3, 45.0);
    assertThat(s45.x()).isEqualTo(Rotation.rotateAll(train, seed3[2], 45.0));
    assertThat(s45.y()).isEqualTo(train.labels(seed3[2]));

    // The test split: MNIST's first test images, none of them among the training images.
    int[] first = new int[b.testImages()];
    for (int i = 0; i < first.length; i++) {
      first[i] = i;
    }
    Split t0 = data.test(0.0);
    assertThat(t0.x()).isEqualTo(Rotation.rotateAll(mnist.test(), first, 0.0));
    assertThat(t0.y()).isEqualTo(mnist.test().labels(first));
    for (int i = 0; i < t0.size(); i++) {
      assertThat(byPixels).doesNotContainKey(pixels(t0, i));
    }
    assertThat(data.test(45.0).x()).isEqualTo(Rotation.rotateAll(mnist.test(), first, 45.0));

    // Another seed: other subsets (by more than a reordering) and another initial network.
    for (int k = 0; k < 3; k++) {
      assertThat(set(seed4[k])).as("seed 4's subset %d", k).isNotEqualTo(set(seed3[k]));
    }
    assertThat(data.specialize(4, 45.0).x()).isNotEqualTo(s45.x());
    assertThat(flat(Experiment.foundationNetwork(b, 4).params()))
        .isNotEqualTo(flat(Experiment.foundationNetwork(b, 3).params()));
  }

  /**
   * The MNIST training indices of a seed's foundation images at 0 deg, its rotated ones and its
   * specialization images, from their pixels at angle 0 (which leaves images as they are).
   */
  private static int[][] subsets(long seed, Map<ByteBuffer, Integer> byPixels) {
    int f = data.budget().foundationImagesPerMode();
    Split foundation = data.foundation(seed, 0.0);
    Split specialize = data.specialize(seed, 0.0);
    int[] all = indices(foundation, byPixels);
    int[] spec = indices(specialize, byPixels);
    // The indices name exactly these images, labels included.
    assertThat(foundation.x()).isEqualTo(Rotation.rotateAll(mnist.train(), all, 0.0));
    assertThat(foundation.y()).isEqualTo(mnist.train().labels(all));
    assertThat(specialize.x()).isEqualTo(Rotation.rotateAll(mnist.train(), spec, 0.0));
    assertThat(specialize.y()).isEqualTo(mnist.train().labels(spec));
    return new int[][] {
      java.util.Arrays.copyOfRange(all, 0, f), java.util.Arrays.copyOfRange(all, f, 2 * f), spec
    };
  }

  private static int[] indices(Split s, Map<ByteBuffer, Integer> byPixels) {
    int[] idx = new int[s.size()];
    for (int i = 0; i < idx.length; i++) {
      Integer k = byPixels.get(pixels(s, i));
      assertThat(k).as("image %d is a training image", i).isNotNull();
      idx[i] = k;
    }
    return idx;
  }

  /** An MNIST image's pixels as a key. */
  private static ByteBuffer pixels(MnistImages images, int i) {
    byte[] p = new byte[images.pixelsPerImage()];
    for (int r = 0; r < images.rows(); r++) {
      for (int c = 0; c < images.cols(); c++) {
        p[r * images.cols() + c] = (byte) images.pixel(i, r, c);
      }
    }
    return ByteBuffer.wrap(p);
  }

  /** A split's image i (pixels / 255 at 0 deg) as the same key. */
  private static ByteBuffer pixels(Split s, int i) {
    byte[] p = new byte[s.features()];
    for (int j = 0; j < p.length; j++) {
      p[j] = (byte) Math.round(s.x()[i * s.features() + j] * 255f);
    }
    return ByteBuffer.wrap(p);
  }

  private static Set<Integer> set(int[] a) {
    return java.util.Arrays.stream(a).boxed().collect(Collectors.toSet());
  }

  private static int[] concat(int[] a, int[] b) {
    return java.util.stream.IntStream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray();
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
