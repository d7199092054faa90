package io.tausweep.model.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Uninitialised float work arrays, kept per thread for the next cell once a cell is done with them.
 * A cell's work arrays (its layers' batch buffers, the evaluation's first-layer rows, the training
 * batches) live off the JVM heap; freed at each cell's end, their memory would go back to the C
 * allocator and from there, a megabyte at a time, to the operating system, and the next cell would
 * take page faults to get it back (a tenth of a {@code local[2]} sweep's early CPU). {@link #give}
 * keeps an array on the giving thread's list, up to {@value #MAX_BYTES_PER_THREAD} bytes (the least
 * recently given are freed first), and {@link #take} hands one of the same shape back. Contents are
 * undefined either way, as they are for a fresh uninitialised array, so a result never depends on
 * which array a cell got.
 */
public final class WorkArrays {
  /** The most bytes one thread keeps for later (a TauGate cell's arrays take about 10 MB). */
  static final long MAX_BYTES_PER_THREAD = 64L << 20;

  private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

  private WorkArrays() {}

  /**
   * A row-major {@code rows x cols} float matrix outside any workspace, with undefined contents:
   * one this thread gave back, or a new one. Give it back ({@link #give}) or close it when done.
   */
  public static INDArray take(int rows, int cols) {
    INDArray a = POOL.get().take(rows, cols);
    return a != null ? a : Nd4j.createUninitializedDetached(DataType.FLOAT, 'c', rows, cols);
  }

  /**
   * Keeps an array from {@link #take} for this thread's next {@link #take} of its shape (or frees
   * it, or older ones, past the thread's limit). The caller must not use it afterwards. Null is
   * ignored.
   */
  public static void give(INDArray a) {
    if (a != null) {
      POOL.get().give(a);
    }
  }

  /** Bytes this thread keeps (for tests). */
  static long keptBytes() {
    return POOL.get().bytes;
  }

  /**
   * Overwrites every array this thread keeps with {@code value} (tests: stale contents must not
   * matter).
   */
  static void fillKept(float value) {
    for (INDArray a : POOL.get().arrays) {
      a.assign(value);
    }
  }

  /** Frees what this thread keeps. */
  public static void clear() {
    POOL.get().clear();
  }

  private static final class Pool {
    /** Most recently given first. */
    private final Deque<INDArray> arrays = new ArrayDeque<>();

    private long bytes;

    INDArray take(int rows, int cols) {
      for (Iterator<INDArray> it = arrays.iterator(); it.hasNext(); ) {
        INDArray a = it.next();
        if (a.rows() == rows && a.columns() == cols) {
          it.remove();
          bytes -= 4L * a.length();
          return a;
        }
      }
      return null;
    }

    void give(INDArray a) {
      if (a.wasClosed()) {
        throw new IllegalStateException(
            "A closed array cannot be kept for reuse: " + a.shapeInfoToString());
      }
      if (a.dataType() != DataType.FLOAT || a.rank() != 2 || a.ordering() != 'c' || a.isView()) {
        throw new IllegalArgumentException(
            "WorkArrays keeps only the arrays it hands out (float, 'c', rank 2, not a "
                + "view), got "
                + a.shapeInfoToString());
      }
      long size = 4L * a.length();
      if (size > MAX_BYTES_PER_THREAD) {
        a.close();
        return;
      }
      arrays.addFirst(a);
      bytes += size;
      while (bytes > MAX_BYTES_PER_THREAD) {
        INDArray old = arrays.removeLast();
        bytes -= 4L * old.length();
        old.close();
      }
    }

    void clear() {
      for (INDArray a : arrays) {
        a.close();
      }
      arrays.clear();
      bytes = 0;
    }
  }
}
