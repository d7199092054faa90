package io.tausweep.model.data;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable set of labelled grey-scale images stored as unsigned bytes: pixel {@code (r, c)} of
 * image {@code i} is at {@code i * rows * cols + r * cols + c}, labels are class indices {@code
 * 0..9}. Bytes rather than floats keep the 70,000 MNIST images at 55 MB, small enough to broadcast
 * to every Spark executor once; tensors are made per batch, e.g. by {@link Rotation#rotateAll}.
 */
public final class MnistImages implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Number of classes; every label is in {@code 0..NUM_CLASSES-1}. */
  public static final int NUM_CLASSES = 10;

  private final int rows;
  private final int cols;
  private final byte[] pixels;
  private final byte[] labels;

  /**
   * Copies the arrays, so later changes to them do not leak in.
   *
   * @param rows pixel rows per image, positive
   * @param cols pixel columns per image, positive
   * @param pixels {@code labels.length * rows * cols} unsigned pixels, image after image, row-major
   * @param labels one class index {@code 0..9} per image
   * @throws IllegalArgumentException if the sizes disagree or a label is out of range
   */
  public MnistImages(int rows, int cols, byte[] pixels, byte[] labels) {
    this(
        Objects.requireNonNull(pixels, "pixels").clone(),
        Objects.requireNonNull(labels, "labels").clone(),
        rows,
        cols);
  }

  /** Takes the arrays without copying (the parameter order differs from the public constructor). */
  private MnistImages(byte[] pixels, byte[] labels, int rows, int cols) {
    this.rows = rows;
    this.cols = cols;
    this.pixels = pixels;
    this.labels = labels;
    validate();
  }

  /** Wraps freshly read arrays without copying them; the caller must not keep or change them. */
  static MnistImages wrap(int rows, int cols, byte[] pixels, byte[] labels) {
    return new MnistImages(pixels, labels, rows, cols);
  }

  private void validate() {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "Invalid image size: " + rows + "x" + cols + " (rows and cols must be positive)");
    }
    if (pixels == null || labels == null) {
      throw new IllegalArgumentException("Invalid MnistImages: pixels and labels must not be null");
    }
    int size = labels.length;
    if ((long) size * rows * cols != pixels.length) {
      throw new IllegalArgumentException(
          "Invalid MnistImages: "
              + pixels.length
              + " pixels for "
              + size
              + " labels of "
              + rows
              + "x"
              + cols
              + " images (need labels*rows*cols = "
              + (long) size * rows * cols
              + ")");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= NUM_CLASSES) {
        throw new IllegalArgumentException(
            "Invalid MnistImages: label at index "
                + i
                + " is "
                + Byte.toUnsignedInt(labels[i])
                + " (labels must be in 0.."
                + (NUM_CLASSES - 1)
                + ")");
      }
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    try {
      validate();
    } catch (IllegalArgumentException e) {
      InvalidObjectException ioe = new InvalidObjectException(e.getMessage());
      ioe.initCause(e);
      throw ioe;
    }
  }

  /**
   * @return the number of images
   */
  public int size() {
    return labels.length;
  }

  /**
   * @return pixel rows per image
   */
  public int rows() {
    return rows;
  }

  /**
   * @return pixel columns per image
   */
  public int cols() {
    return cols;
  }

  /**
   * @return {@code rows * cols}, the length of one image
   */
  public int pixelsPerImage() {
    return rows * cols;
  }

  /**
   * @param i image index
   * @param r row, 0 at the top
   * @param c column, 0 at the left
   * @return the pixel as an unsigned value {@code 0..255}
   */
  public int pixel(int i, int r, int c) {
    Objects.checkIndex(i, labels.length);
    Objects.checkIndex(r, rows);
    Objects.checkIndex(c, cols);
    return Byte.toUnsignedInt(pixels[(i * rows + r) * cols + c]);
  }

  /**
   * @param i image index
   * @return the class of image {@code i}, {@code 0..9}
   */
  public int label(int i) {
    Objects.checkIndex(i, labels.length);
    return labels[i];
  }

  /**
   * Copies the labels of some images, e.g. to build a one-hot batch.
   *
   * @param indices image indices, in the order wanted
   * @return {@code labels[k] = label(indices[k])}
   */
  public int[] labels(int[] indices) {
    int[] out = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      out[k] = label(indices[k]);
    }
    return out;
  }

  /**
   * Copies the images at {@code indices}, in that order, into a new set (e.g. a training subset).
   *
   * @param indices image indices; repeats are allowed
   * @return a new set of {@code indices.length} images
   */
  public MnistImages subset(int[] indices) {
    int n = pixelsPerImage();
    byte[] p = new byte[Math.multiplyExact(indices.length, n)];
    byte[] l = new byte[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = Objects.checkIndex(indices[k], labels.length);
      System.arraycopy(pixels, i * n, p, k * n, n);
      l[k] = labels[i];
    }
    return wrap(rows, cols, p, l);
  }

  /** The backing pixel array, not copied; for {@link Rotation} in this package only. */
  byte[] pixelArray() {
    return pixels;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || o instanceof MnistImages m
            && rows == m.rows
            && cols == m.cols
            && Arrays.equals(labels, m.labels)
            && Arrays.equals(pixels, m.pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Objects.hash(rows, cols) + Arrays.hashCode(labels)) + Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "MnistImages[size=" + labels.length + ", rows=" + rows + ", cols=" + cols + "]";
  }
}
