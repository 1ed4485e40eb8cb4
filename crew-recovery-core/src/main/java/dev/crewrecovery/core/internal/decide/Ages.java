package dev.crewrecovery.core.internal.decide;

import java.time.Duration;
import java.time.Instant;

/** Age arithmetic shared by the decision types: an instant in the future has age zero. */
final class Ages {
  private Ages() {}

  /** Returns {@code now − instant}, or zero when {@code instant} is after {@code now}. */
  static Duration age(Instant instant, Instant now) {
    return instant.isAfter(now) ? Duration.ZERO : Duration.between(instant, now);
  }
}
