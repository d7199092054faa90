package io.tausweep.jobs.driver;

/**
 * A command-line value that cannot be used (output path, data directory, master URL), with a
 * one-line message naming the value and the fix. The CLI prints it and exits with status 2.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
