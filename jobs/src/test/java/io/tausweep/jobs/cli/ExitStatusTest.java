package io.tausweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tausweep.jobs.driver.UsageException;
import io.tausweep.jobs.store.StorageFailure;
import io.tausweep.jobs.store.StoreException;
import io.tausweep.jobs.store.SweepLockedException;
import io.tausweep.model.config.ConfigError;
import io.tausweep.model.data.DataException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which failure gets which exit status; the statuses are distinct and stable. */
class ExitStatusTest {
  @Test
  void eachFailureKindHasItsStatus() {
    assertThat(ExitStatus.of(new ConfigError("x"))).isEqualTo(ExitStatus.BAD_INPUT);
    assertThat(ExitStatus.of(new UsageException("x"))).isEqualTo(ExitStatus.BAD_INPUT);
    assertThat(ExitStatus.of(new DataException("x"))).isEqualTo(ExitStatus.BAD_INPUT);
    assertThat(ExitStatus.of(new StoreException("x"))).isEqualTo(ExitStatus.BAD_INPUT);
    assertThat(ExitStatus.of(new StorageFailure("x"))).isEqualTo(ExitStatus.STORAGE_FAILURE);
    assertThat(ExitStatus.of(new SweepLockedException("x"))).isEqualTo(ExitStatus.LOCKED);
  }

  @Test
  void aBugIsNeverReportedAsBadInput() {
    // An IllegalArgumentException from our own code or a library is a defect, not user input.
    assertThat(ExitStatus.of(new IllegalArgumentException("x")))
        .isEqualTo(ExitStatus.INTERNAL_ERROR);
    assertThat(ExitStatus.of(new NullPointerException())).isEqualTo(ExitStatus.INTERNAL_ERROR);
    assertThat(ExitStatus.of(new OutOfMemoryError())).isEqualTo(ExitStatus.INTERNAL_ERROR);
  }

  @Test
  void statusCodesAreTheDocumentedOnes() {
    assertThat(Arrays.stream(ExitStatus.values()).mapToInt(ExitStatus::code))
        .containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void oneLineKeepsTheFirstLineOfTheMessage() {
    assertThat(FailureReport.oneLine(new IllegalStateException("first\nsecond")))
        .isEqualTo("IllegalStateException: first");
    assertThat(FailureReport.oneLine(new NullPointerException())).isEqualTo("NullPointerException");
    assertThat(FailureReport.oneLine(new IllegalStateException("x".repeat(900)))).hasSize(500);
  }
}
