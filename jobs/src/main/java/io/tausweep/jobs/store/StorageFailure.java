package io.tausweep.jobs.store;

/**
 * Reading or writing the output directory failed while a command ran (a full disk, an exceeded
 * quota, a file system that stopped answering), after its input was accepted: not a value the user
 * must change but a store to fix, so the CLI gives it its own exit status. The message is one line
 * naming the path, the reason and the fix; committed cells are kept.
 */
public final class StorageFailure extends StoreException {
  private static final long serialVersionUID = 1L;

  public StorageFailure(String message) {
    super(message);
  }

  public StorageFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
