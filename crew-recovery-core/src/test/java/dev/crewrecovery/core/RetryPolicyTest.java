package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static Failure failure(ExitClass exitClass) {
    return new Failure("X", "m", exitClass, null, null, null, Instant.EPOCH);
  }

  @Test
  void theDefaultRetriesEverythingButCancelledAndTimedOut() {
    RetryPolicy p = RetryPolicy.defaults();
    for (ExitClass c : ExitClass.values()) {
      assertThat(p.allowsRetry(failure(c)))
          .as("%s", c)
          .isEqualTo(c != ExitClass.CANCELLED && c != ExitClass.TIMEOUT);
    }
    assertThat(p.allowsRetry(Failure.of(Failure.WORKER_LOST, "gone", Instant.EPOCH))).isTrue();
  }

  @Test
  void neverRetriesNothing() {
    assertThat(RetryPolicy.never().allowsRetry(Failure.of("X", "m", Instant.EPOCH))).isFalse();
  }
}
