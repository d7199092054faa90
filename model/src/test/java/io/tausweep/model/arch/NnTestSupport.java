package io.tausweep.model.arch;

import java.io.File;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Helpers shared by the tests of this package: exact array contents, data types, save/restore. */
public final class NnTestSupport {

  private NnTestSupport() {}

  /** The values of an array in 'c' order, widened to double exactly (for bit-identity checks). */
  public static double[] values(INDArray a) {
    return a.dup('c').data().asDouble();
  }

  /** Writes the network with its updater to a file under {@code dir} and restores it. */
  public static MultiLayerNetwork saveAndRestore(MultiLayerNetwork net, File dir)
      throws IOException {
    File f = new File(dir, "net.zip");
    ModelSerializer.writeModel(net, f, true);
    return ModelSerializer.restoreMultiLayerNetwork(f, true);
  }

  /** A seeded uniform [rows, cols] matrix in [lo, hi) of the given type. */
  public static INDArray uniform(
      long seed, DataType type, long rows, long cols, double lo, double hi) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(type, rows, cols).muli(hi - lo).addi(lo);
  }

  /** One-hot labels [rows, classes] with class {@code i % classes} for row i. */
  public static INDArray oneHot(DataType type, int rows, int classes) {
    INDArray y = Nd4j.zeros(type, rows, classes);
    for (int i = 0; i < rows; i++) {
      y.putScalar(i, i % classes, 1.0);
    }
    return y;
  }
}
