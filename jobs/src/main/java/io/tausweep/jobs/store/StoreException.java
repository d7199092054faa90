package io.tausweep.jobs.store;

/**
 * A problem with the output or data directory, its message one line naming the path and the fix. As
 * such it is bad input, found before anything is written (an unknown scheme, an unreachable
 * NameNode, a path that is a file or cannot be written, a sweep recorded with another config); its
 * subtypes are a store that fails while a command runs ({@link StorageFailure}) and a sweep another
 * driver holds ({@link SweepLockedException}).
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
