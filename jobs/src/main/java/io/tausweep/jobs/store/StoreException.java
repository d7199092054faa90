package io.tausweep.jobs.store;

/**
 * A storage problem the user must fix (an unknown scheme, an unreachable NameNode, a path that
 * cannot be written): its message is one line naming the path and the fix.
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
