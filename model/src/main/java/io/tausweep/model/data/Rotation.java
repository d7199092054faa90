package io.tausweep.model.data;

import java.util.Objects;

/**
 * Rotates images about their centre by any angle with bilinear interpolation and zero fill; the
 * rotated MNIST test sets are the distribution shifts the sweeps measure. An instance holds the
 * sampling table for one angle and image size, so rotating many images costs four multiply-adds per
 * pixel and allocates one small scratch image per call.
 *
 * <p><b>Direction.</b> A positive angle rotates <em>counter-clockwise</em> as the image is
 * displayed with row 0 at the top and column 0 at the left, the convention of torchvision's {@code
 * rotate} and {@code scipy.ndimage.rotate(..., reshape=False, order=1, mode='grid-constant')}. The
 * centre is {@code (cy, cx) = ((rows-1)/2, (cols-1)/2)}, i.e. {@code (13.5, 13.5)} for MNIST. By
 * inverse mapping, output pixel {@code (r, c)} samples the input at
 *
 * <pre>
 *   r' = cy + (c - cx) sin(angle) + (r - cy) cos(angle)
 *   c' = cx + (c - cx) cos(angle) - (r - cy) sin(angle)
 * </pre>
 *
 * bilinearly from its four neighbours, where neighbours outside the image count as 0. So at 90
 * degrees {@code out[r][c] = in[c][cols-1-r]}: the top-right corner moves to the top-left.
 *
 * <p><b>Exactness.</b> For multiples of 90 degrees the sine and cosine are exactly 0, 1 or -1, so 0
 * and 360 degrees are the identity and 90, 180 and 270 degrees are exact pixel permutations. Output
 * pixels are {@code value / 255f}, in {@code [0, 1]}.
 */
public final class Rotation {
  private final double angleDeg;
  private final int rows;
  private final int cols;

  /** Row length of the source copy padded with a one-pixel zero border. */
  private final int stride;

  /**
   * For output pixel p: index in the padded source of its top-left neighbour (the others are +1,
   * +stride, +stride+1), or -1 when all four lie outside the image.
   */
  private final int[] corner;

  /** For output pixel p: bilinear weights of its 4 neighbours at [4p, 4p+4). */
  private final float[] weight;

  private Rotation(double angleDeg, int rows, int cols) {
    this.angleDeg = angleDeg;
    this.rows = rows;
    this.cols = cols;
    int n = rows * cols;
    this.stride = cols + 2;
    this.corner = new int[n];
    this.weight = new float[4 * n];
    double cos;
    double sin;
    double reduced = angleDeg % 360.0;
    if (reduced < 0) {
      reduced += 360.0;
    }
    if (reduced == 0.0) {
      cos = 1;
      sin = 0;
    } else if (reduced == 90.0) {
      cos = 0;
      sin = 1;
    } else if (reduced == 180.0) {
      cos = -1;
      sin = 0;
    } else if (reduced == 270.0) {
      cos = 0;
      sin = -1;
    } else {
      double rad = Math.toRadians(angleDeg);
      cos = Math.cos(rad);
      sin = Math.sin(rad);
    }
    double cy = (rows - 1) / 2.0;
    double cx = (cols - 1) / 2.0;
    for (int r = 0; r < rows; r++) {
      double dr = r - cy;
      for (int c = 0; c < cols; c++) {
        double dc = c - cx;
        double sr = cy + dc * sin + dr * cos;
        double sc = cx + dc * cos - dr * sin;
        double r0 = Math.floor(sr);
        double c0 = Math.floor(sc);
        double fr = sr - r0;
        double fc = sc - c0;
        int p = r * cols + c;
        // Neighbours at row/col -1 or rows/cols read the zero border of the padded copy.
        if (r0 < -1 || r0 > rows - 1 || c0 < -1 || c0 > cols - 1) {
          corner[p] = -1;
          continue;
        }
        corner[p] = ((int) r0 + 1) * stride + (int) c0 + 1;
        weight[4 * p] = (float) ((1 - fr) * (1 - fc));
        weight[4 * p + 1] = (float) ((1 - fr) * fc);
        weight[4 * p + 2] = (float) (fr * (1 - fc));
        weight[4 * p + 3] = (float) (fr * fc);
      }
    }
  }

  /**
   * Builds the sampling table for one angle and image size.
   *
   * @param angleDeg rotation in degrees, counter-clockwise as displayed; any finite value
   * @param rows pixel rows, positive
   * @param cols pixel columns, positive
   * @return the rotation
   * @throws IllegalArgumentException if the angle is not finite or a size is not positive
   */
  public static Rotation of(double angleDeg, int rows, int cols) {
    if (!Double.isFinite(angleDeg)) {
      throw new IllegalArgumentException(
          "Invalid rotation angle: " + angleDeg + " (must be a finite number of degrees)");
    }
    if (rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException(
          "Invalid image size for rotation: "
              + rows
              + "x"
              + cols
              + " (rows and cols must be positive, rows*cols at most "
              + Integer.MAX_VALUE / 4
              + ")");
    }
    return new Rotation(angleDeg, rows, cols);
  }

  /**
   * @return the angle in degrees as given to {@link #of}
   */
  public double angleDeg() {
    return angleDeg;
  }

  /**
   * @return pixel rows of the images this rotation applies to
   */
  public int rows() {
    return rows;
  }

  /**
   * @return pixel columns of the images this rotation applies to
   */
  public int cols() {
    return cols;
  }

  /**
   * Rotates one image.
   *
   * @param src unsigned pixels, row-major
   * @param offset index of the image's first pixel in {@code src}
   * @param dst receives {@code rows * cols} values in {@code [0, 1]}
   * @param dstOffset index of the first output value in {@code dst}
   * @return {@code dst}
   */
  public float[] apply(byte[] src, int offset, float[] dst, int dstOffset) {
    return apply(src, offset, dst, dstOffset, new float[(rows + 2) * stride]);
  }

  /** {@code padded} has a zero border that stays zero; its interior is overwritten. */
  private float[] apply(byte[] src, int offset, float[] dst, int dstOffset, float[] padded) {
    int n = rows * cols;
    Objects.checkFromIndexSize(offset, n, src.length);
    Objects.checkFromIndexSize(dstOffset, n, dst.length);
    for (int r = 0; r < rows; r++) {
      int from = offset + r * cols;
      int to = (r + 1) * stride + 1;
      for (int c = 0; c < cols; c++) {
        padded[to + c] = src[from + c] & 0xFF;
      }
    }
    for (int p = 0; p < n; p++) {
      int i = corner[p];
      if (i < 0) {
        dst[dstOffset + p] = 0f;
        continue;
      }
      int k = 4 * p;
      float v =
          weight[k] * padded[i]
              + weight[k + 1] * padded[i + 1]
              + weight[k + 2] * padded[i + stride]
              + weight[k + 3] * padded[i + stride + 1];
      // Float rounding of the weights can push a sum of 255s a hair above 255.
      dst[dstOffset + p] = Math.min(v, 255f) / 255f;
    }
    return dst;
  }

  /**
   * Rotates the images at {@code indices}, in that order, into a flat array.
   *
   * @param images the image set; its size must equal this rotation's
   * @param indices image indices
   * @param dst receives {@code indices.length * rows * cols} values in {@code [0, 1]}
   * @param dstOffset index of the first output value in {@code dst}
   * @return {@code dst}
   */
  public float[] applyAll(MnistImages images, int[] indices, float[] dst, int dstOffset) {
    if (images.rows() != rows || images.cols() != cols) {
      throw new IllegalArgumentException(
          "Cannot rotate "
              + images.rows()
              + "x"
              + images.cols()
              + " images with a rotation built for "
              + rows
              + "x"
              + cols
              + " (use Rotation.of with the image size)");
    }
    int n = rows * cols;
    Objects.checkFromIndexSize(dstOffset, Math.multiplyExact(indices.length, n), dst.length);
    byte[] pixels = images.pixelArray();
    float[] padded = new float[(rows + 2) * stride];
    for (int k = 0; k < indices.length; k++) {
      apply(
          pixels,
          Objects.checkIndex(indices[k], images.size()) * n,
          dst,
          dstOffset + k * n,
          padded);
    }
    return dst;
  }

  /**
   * Rotates one image; builds the sampling table on every call, so prefer {@link #of} and {@link
   * #apply} for many images.
   *
   * @param src unsigned pixels, row-major
   * @param offset index of the image's first pixel in {@code src}
   * @param rows pixel rows
   * @param cols pixel columns
   * @param angleDeg degrees, counter-clockwise as displayed (see the class comment)
   * @param dst receives {@code rows * cols} values in {@code [0, 1]}
   * @param dstOffset index of the first output value in {@code dst}
   * @return {@code dst}
   */
  public static float[] rotate(
      byte[] src, int offset, int rows, int cols, double angleDeg, float[] dst, int dstOffset) {
    return of(angleDeg, rows, cols).apply(src, offset, dst, dstOffset);
  }

  /**
   * Rotates the images at {@code indices}, in that order, into a new flat array; angle 0 gives the
   * plain {@code value / 255f} pixels.
   *
   * @param images the image set
   * @param indices image indices
   * @param angleDeg degrees, counter-clockwise as displayed (see the class comment)
   * @return {@code indices.length * rows * cols} values in {@code [0, 1]}
   */
  public static float[] rotateAll(MnistImages images, int[] indices, double angleDeg) {
    Rotation rotation = of(angleDeg, images.rows(), images.cols());
    float[] out = new float[Math.multiplyExact(indices.length, images.pixelsPerImage())];
    return rotation.applyAll(images, indices, out, 0);
  }

  @Override
  public String toString() {
    return "Rotation[angleDeg=" + angleDeg + ", rows=" + rows + ", cols=" + cols + "]";
  }
}
