package io.tausweep.jobs.cli;

import io.tausweep.jobs.driver.UsageException;
import io.tausweep.jobs.store.StorageFailure;
import io.tausweep.jobs.store.StoreException;
import io.tausweep.jobs.store.SweepLockedException;
import io.tausweep.model.config.ConfigError;
import io.tausweep.model.data.DataException;

/**
 * The exit statuses of the {@code sweep} command line, the one list of them, and which failure gets
 * which ({@link #of}). Scripts tell apart input to fix (2), a sweep to look at (3), another driver
 * (4), a store to fix (5) and a defect to report (1).
 */
public enum ExitStatus {
  /** The command did what it was asked; for {@code run}, every cell of the sweep is ok. */
  OK(0),

  /**
   * An internal error (a defect, or a failure of Spark or a library that tausweep does not expect):
   * the console gets one line, the stack trace goes to the log.
   */
  INTERNAL_ERROR(1),

  /**
   * Bad input, found before anything is written: a config value, a command-line value, missing or
   * corrupt data, an output path the user must change.
   */
  BAD_INPUT(2),

  /** The sweep finished, but some cells failed (each is a row with {@code status = 'failed'}). */
  FAILED_CELLS(3),

  /** Another driver holds the sweep's lease (or took it over while this one ran). */
  LOCKED(4),

  /**
   * Reading or writing the output directory failed while the command ran (a full disk, an exceeded
   * quota): committed cells are kept, a rerun of the same command goes on from there.
   */
  STORAGE_FAILURE(5);

  private final int code;

  ExitStatus(int code) {
    this.code = code;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** The status of a command that failed with {@code e}: anything not named here is internal. */
  public static ExitStatus of(Throwable e) {
    if (e instanceof SweepLockedException) {
      return LOCKED;
    }
    if (e instanceof StorageFailure) {
      return STORAGE_FAILURE;
    }
    if (e instanceof StoreException
        || e instanceof UsageException
        || e instanceof ConfigError
        || e instanceof DataException) {
      return BAD_INPUT;
    }
    return INTERNAL_ERROR;
  }
}
