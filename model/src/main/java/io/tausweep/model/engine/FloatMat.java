package io.tausweep.model.engine;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense float matrix held by ND4J (a network's parameter or gradient view, or a work array), seen
 * from Java: the pointer OpenBLAS takes and a {@link FloatBuffer} over exactly its elements. {@link
 * LeanNet} runs its products through {@link #gemm} (OpenBLAS's {@code cblas_sgemm}, which ND4J
 * itself calls, without ND4J's per-call checks and op bookkeeping: about 25 us per call at batch
 * 64) and its element-wise work as Java loops over {@link #buf}.
 *
 * <p>The memory stays ND4J's: the wrapped array must outlive this object.
 */
final class FloatMat {
  final INDArray array;
  final int rows;
  final int cols;

  /** Column-major storage ('f'); vectors count as row-major whatever their flag. */
  final boolean colMajor;

  final FloatPointer ptr;
  final FloatBuffer buf;

  /** The same elements as their IEEE bit patterns, made on first use ({@link #bits}). */
  private IntBuffer bits;

  private FloatMat(
      INDArray array, int rows, int cols, boolean colMajor, FloatPointer ptr, FloatBuffer buf) {
    this.array = array;
    this.rows = rows;
    this.cols = cols;
    this.colMajor = colMajor;
    this.ptr = ptr;
    this.buf = buf;
  }

  /**
   * Wraps a float array of rank 1 or 2 whose elements are contiguous in 'c' or 'f' order (views of
   * a network's flattened parameters and gradients are).
   *
   * @throws IllegalArgumentException for another data type, rank or a strided view
   */
  static FloatMat of(INDArray a) {
    if (a.dataType() != DataType.FLOAT || a.rank() > 2 || a.length() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "FloatMat needs a float matrix, got " + a.dataType() + " " + Arrays.toString(a.shape()));
    }
    int rows = a.rank() == 2 ? (int) a.size(0) : 1;
    int cols = a.rank() == 2 ? (int) a.size(1) : (int) a.length();
    long[] st =
        a.rank() == 2 ? a.stride() : new long[] {a.length(), a.rank() == 1 ? a.stride(0) : 1};
    boolean c = (rows == 1 || st[0] == cols) && (cols == 1 || st[1] == 1);
    boolean f = (rows == 1 || st[0] == 1) && (cols == 1 || st[1] == rows);
    if (!c && !f) {
      throw new IllegalArgumentException(
          "FloatMat needs contiguous elements, got shape "
              + Arrays.toString(a.shape())
              + " strides "
              + Arrays.toString(st));
    }
    boolean colMajor = !c && rows > 1 && cols > 1;
    Pointer address = a.data().addressPointer();
    FloatPointer ptr = address instanceof FloatPointer p ? p : new FloatPointer(address);
    // A separate pointer object for the buffer: the one ND4J returns may be the data buffer's own.
    FloatPointer view = new FloatPointer(ptr);
    long n = (long) rows * cols;
    view.limit(view.position() + n).capacity(view.position() + n);
    return new FloatMat(a, rows, cols, colMajor, ptr, view.asBuffer());
  }

  /**
   * An uninitialised row-major matrix outside any workspace, from this thread's {@link WorkArrays};
   * give {@link #array} back there (or close it) when done.
   */
  static FloatMat allocate(int rows, int cols) {
    return of(WorkArrays.take(rows, cols));
  }

  /**
   * The elements' bit patterns ({@code Float.floatToRawIntBits}) over the same memory: integer
   * loops over them compile to vector code where the JIT leaves a float comparison as a branch
   * (Java 17's C2 does not vectorise a conditional select).
   */
  IntBuffer bits() {
    if (bits == null) {
      IntPointer p = new IntPointer(ptr);
      long n = (long) rows * cols;
      p.limit(p.position() + n).capacity(p.position() + n);
      bits = p.asBuffer();
    }
    return bits;
  }

  /** Element (r, c). */
  float get(int r, int c) {
    return buf.get(colMajor ? c * rows + r : r * cols + c);
  }

  /** Number of elements. */
  int length() {
    return rows * cols;
  }

  /**
   * {@code c = alpha * op(a) op(b) + beta * c} with op the transpose where asked; c may be
   * column-major (a gradient view), a and b either.
   */
  static void gemm(
      FloatMat a, boolean transA, FloatMat b, boolean transB, float alpha, float beta, FloatMat c) {
    int m = transA ? a.cols : a.rows;
    int k = transA ? a.rows : a.cols;
    int kb = transB ? b.cols : b.rows;
    int n = transB ? b.rows : b.cols;
    if (k != kb || c.rows != m || c.cols != n) {
      throw new IllegalArgumentException(
          "gemm shapes: ["
              + m
              + "x"
              + k
              + "] x ["
              + kb
              + "x"
              + n
              + "] into ["
              + c.rows
              + "x"
              + c.cols
              + "]");
    }
    if (c.colMajor) {
      // c in column-major order is c^T in row-major order: c^T = op(b)^T op(a)^T.
      rowMajor(b, !transB, a, !transA, n, m, k, alpha, beta, c.ptr, m);
    } else {
      rowMajor(a, transA, b, transB, m, n, k, alpha, beta, c.ptr, n);
    }
  }

  private static void rowMajor(
      FloatMat a,
      boolean transA,
      FloatMat b,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float beta,
      FloatPointer c,
      int ldc) {
    // A column-major operand read in row-major order is its transpose.
    int ta = transA != a.colMajor ? CblasTrans : CblasNoTrans;
    int tb = transB != b.colMajor ? CblasTrans : CblasNoTrans;
    int lda = a.colMajor ? a.rows : a.cols;
    int ldb = b.colMajor ? b.rows : b.cols;
    openblas_nolapack.cblas_sgemm(
        CblasRowMajor,
        ta,
        tb,
        m,
        n,
        k,
        alpha,
        a.ptr,
        Math.max(lda, 1),
        b.ptr,
        Math.max(ldb, 1),
        beta,
        c,
        Math.max(ldc, 1));
  }

  /** {@code y += alpha * x} over all elements (same length and layout). */
  static void axpy(float alpha, FloatMat x, FloatMat y) {
    if (x.length() != y.length()) {
      throw new IllegalArgumentException("axpy lengths " + x.length() + " and " + y.length());
    }
    openblas_nolapack.cblas_saxpy(x.length(), alpha, x.ptr, 1, y.ptr, 1);
  }

  /** {@code x *= alpha} over all elements. */
  static void scale(float alpha, FloatMat x) {
    openblas_nolapack.cblas_sscal(x.length(), alpha, x.ptr, 1);
  }
}
