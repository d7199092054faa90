package io.tausweep.model.train;

import java.nio.FloatBuffer;
import java.util.Objects;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dataset in memory: {@code n} images of {@code features} floats each, pixels in [0, 1], and
 * their labels. Flat arrays keep a split cheap to cache per executor and to slice into batches.
 *
 * @param x row-major images, {@code n * features} values
 * @param y labels in [0, classes)
 * @param features values per image (784 for MNIST)
 */
public record Split(float[] x, int[] y, int features) {
  public Split {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (features <= 0 || x.length != (long) y.length * features) {
      throw new IllegalArgumentException(
          "Split of "
              + y.length
              + " labels needs "
              + (long) y.length * features
              + " feature values, got "
              + x.length);
    }
  }

  /** Number of images. */
  public int size() {
    return y.length;
  }

  /**
   * The feature columns that are non-zero in some image, in increasing order (MNIST's borders are
   * blank).
   */
  public int[] nonBlankColumns() {
    boolean[] used = new boolean[features];
    for (int row = 0; row < x.length; row += features) {
      for (int j = 0; j < features; j++) {
        used[j] |= x[row + j] != 0f;
      }
    }
    return java.util.stream.IntStream.range(0, features).filter(j -> used[j]).toArray();
  }

  /** The two splits one after the other. */
  public static Split concat(Split a, Split b) {
    if (a.features != b.features) {
      throw new IllegalArgumentException(
          "Cannot concat splits of " + a.features + " and " + b.features + " features");
    }
    float[] x = new float[a.x.length + b.x.length];
    System.arraycopy(a.x, 0, x, 0, a.x.length);
    System.arraycopy(b.x, 0, x, a.x.length, b.x.length);
    int[] y = new int[a.y.length + b.y.length];
    System.arraycopy(a.y, 0, y, 0, a.y.length);
    System.arraycopy(b.y, 0, y, a.y.length, b.y.length);
    return new Split(x, y, a.features);
  }

  /**
   * A new uninitialised float matrix [rows, cols] in 'c' order, outside any workspace, for batches.
   */
  public static INDArray matrix(int rows, int cols) {
    return Nd4j.createUninitializedDetached(DataType.FLOAT, 'c', rows, cols);
  }

  /**
   * Copies {@code len} values of {@code src} from {@code offset} into the start of {@code dst} (a
   * contiguous float array, e.g. from {@link #matrix}) in one native copy; ND4J's own {@code
   * Nd4j.create(float[])} copies element by element.
   */
  public static void copyInto(float[] src, int offset, int len, INDArray dst) {
    if (dst.dataType() != DataType.FLOAT || dst.isView() || dst.length() < len) {
      throw new IllegalArgumentException(
          "Cannot copy "
              + len
              + " floats into "
              + dst.shapeInfoToString()
              + " (need a contiguous float array of at least that length)");
    }
    new FloatPointer(dst.data().addressPointer()).put(src, offset, len);
  }

  /**
   * A buffer over the elements of a contiguous float array (e.g. from {@link #matrix}), for many
   * small copies into it (absolute bulk puts, no native call each); valid while the array lives.
   */
  public static FloatBuffer buffer(INDArray dst) {
    if (dst.dataType() != DataType.FLOAT || dst.isView()) {
      throw new IllegalArgumentException(
          "Cannot view "
              + dst.shapeInfoToString()
              + " as a float buffer"
              + " (need a contiguous float array)");
    }
    FloatPointer p = new FloatPointer(dst.data().addressPointer());
    p.limit(p.position() + dst.length()).capacity(p.position() + dst.length());
    return p.asBuffer();
  }
}
