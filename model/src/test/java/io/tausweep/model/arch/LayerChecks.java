package io.tausweep.model.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks the tests of this package's DL4J layers share: a numerical gradient check at one set of
 * tolerances, a save-and-load round trip that must change nothing, and ND4J's default data types
 * put back after each test.
 */
final class LayerChecks {

  private LayerChecks() {}

  /**
   * A JUnit extension (register it with {@code @RegisterExtension}) that remembers ND4J's default
   * data types before each test, optionally sets them, and restores them after the test.
   */
  static final class Nd4jPrecision implements BeforeEachCallback, AfterEachCallback {
    private final DataType eachTest;
    private DataType savedDefault;
    private DataType savedFloat;

    private Nd4jPrecision(DataType eachTest) {
      this.eachTest = eachTest;
    }

    /** Leaves the types as they are for the test to set; restores them afterwards. */
    static Nd4jPrecision restoredAfterEach() {
      return new Nd4jPrecision(null);
    }

    /** Runs each test with double as ND4J's default types; restores them afterwards. */
    static Nd4jPrecision doubleInEachTest() {
      return new Nd4jPrecision(DataType.DOUBLE);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      savedDefault = Nd4j.dataType();
      savedFloat = Nd4j.defaultFloatingPointType();
      if (eachTest != null) {
        Nd4j.setDefaultDataTypes(eachTest, eachTest);
      }
    }

    @Override
    public void afterEach(ExtensionContext context) {
      Nd4j.setDefaultDataTypes(savedDefault, savedFloat);
    }
  }

  /**
   * A gradient check of {@code net} on {@code (x, y)} with central differences of 1e-6, relative
   * error up to 1e-5 and absolute differences below 1e-9 ignored; callers add what else they need
   * and pass it to {@link GradientCheckUtil#checkGradients(GradientCheckUtil.MLNConfig)}.
   */
  static GradientCheckUtil.MLNConfig gradientCheck(MultiLayerNetwork net, INDArray x, INDArray y) {
    return new GradientCheckUtil.MLNConfig()
        .net(net)
        .input(x)
        .labels(y)
        .epsilon(1e-6)
        .maxRelError(1e-5)
        .minAbsoluteError(1e-9);
  }

  /**
   * Saves {@code net} with its updater under {@code dir}, restores it, and asserts the copy has the
   * same configuration, a layer {@code layer} of class {@code impl}, and bit-identical parameters,
   * updater state and output on {@code x}.
   */
  static void assertRoundTripsThroughSaveAndLoad(
      MultiLayerNetwork net, File dir, int layer, Class<? extends Layer> impl, INDArray x)
      throws IOException {
    MultiLayerNetwork restored = NnTestSupport.saveAndRestore(net, dir);

    assertThat(restored.getLayerWiseConfigurations()).isEqualTo(net.getLayerWiseConfigurations());
    assertThat(restored.getLayer(layer)).isInstanceOf(impl);
    assertThat(NnTestSupport.values(restored.params()))
        .containsExactly(NnTestSupport.values(net.params()));
    assertThat(NnTestSupport.values(restored.getUpdater().getStateViewArray()))
        .containsExactly(NnTestSupport.values(net.getUpdater().getStateViewArray()));
    assertThat(NnTestSupport.values(restored.output(x)))
        .containsExactly(NnTestSupport.values(net.output(x)));
  }
}
