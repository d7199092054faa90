package io.tausweep.model.data;

/**
 * A data file is missing, corrupt or cannot be fetched; the message is one line naming the file or
 * directory, what is wrong and how to fix it. Unchecked because a bad data directory is a
 * configuration error that ends the run before any training starts, not something a caller can
 * recover from.
 */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message one line: what is wrong, the value, and what to do
   */
  public DataException(String message) {
    super(message);
  }

  /**
   * @param message one line: what is wrong, the value, and what to do
   * @param cause the underlying failure
   */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
