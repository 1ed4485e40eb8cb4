package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.TASK_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quicktheories.generators.Generate;

/**
 * Ids derived from what caused them; stores de-duplicate by them, so their formulas are part of the
 * persisted format.
 */
class DerivedIdsTest {

  /** The first 32 hex digits of SHA-256, computed here without the production helper. */
  private static String sha256Hex32(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 16; i++) {
        hex.append(Character.forDigit((hash[i] >> 4) & 0xf, 16));
        hex.append(Character.forDigit(hash[i] & 0xf, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertIsPathId(String value) {
    assertThat(value).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}").doesNotContain("..");
    assertThat(RunId.of(value).value()).isEqualTo(value);
  }

  @Test
  void goldenValuesPinThePersistedFormat() {
    // Computed once with `printf %s TEXT | sha256sum | cut -c1-32`.
    assertThat(DeliveryId.forResult(AttemptId.of(RunId.of("run-1"), TaskId.of("task-1"), 1)))
        .isEqualTo(DeliveryId.of("r-3112443ab9541a69121fa79b699f73c0"));
    assertThat(DeliveryId.forNotification(RunId.of("run-1"), 7, RunStatus.COMPLETED))
        .isEqualTo(DeliveryId.of("n-89b5510e75e904d95cd49d33b03d4168"));
    assertThat(DeadletterId.derived("run-1:task-1:1", DeadletterReason.MAX_RETRIES))
        .isEqualTo(DeadletterId.of("dl-50ab72a4549e14540255980037bf6909"));
  }

  @Test
  void resultIdIsRDashAndHashOfTheAttemptText() {
    qt().forAll(
            PathIdTest.validIds(),
            PathIdTest.validIds(),
            integers().between(1, AttemptId.MAX_NUMBER))
        .checkAssert(
            (r, t, n) -> {
              AttemptId attempt = AttemptId.of(RunId.of(r), TaskId.of(t), n);
              DeliveryId id = DeliveryId.forResult(attempt);
              assertThat(id.value())
                  .isEqualTo("r-" + sha256Hex32(r + ":" + t + ":" + n))
                  .hasSize(34);
              assertIsPathId(id.value());
              assertThat(DeliveryId.forResult(AttemptId.parse(attempt.toString()))).isEqualTo(id);
            });
  }

  @Test
  void notificationIdIsNDashAndHashOfRunEpochAndStatus() {
    qt().forAll(
            PathIdTest.validIds(),
            longs().between(1, Long.MAX_VALUE),
            Generate.enumValues(RunStatus.class))
        .checkAssert(
            (r, epoch, status) -> {
              DeliveryId id = DeliveryId.forNotification(RunId.of(r), epoch, status);
              assertThat(id.value())
                  .isEqualTo("n-" + sha256Hex32(r + ":" + epoch + ":" + status.name()))
                  .hasSize(34);
              assertIsPathId(id.value());
            });
  }

  @Test
  void notificationIdsDifferByEpochAndStatus() {
    Set<DeliveryId> ids = new HashSet<>();
    for (long epoch = 1; epoch <= 5; epoch++) {
      for (RunStatus status : RunStatus.values()) {
        ids.add(DeliveryId.forNotification(RUN, epoch, status));
      }
    }
    assertThat(ids).hasSize(5 * RunStatus.values().length);
    assertThat(DeliveryId.forNotification(RUN, 1, RunStatus.FAILED))
        .isEqualTo(DeliveryId.forNotification(RunId.of(RUN.value()), 1, RunStatus.FAILED));
  }

  @ParameterizedTest
  @EnumSource(DeadletterReason.class)
  void deadletterIdIsDlDashAndHashOfCauseAndReason(DeadletterReason reason) {
    String cause = AttemptId.of(RUN, TASK_A, 2).toString();
    DeadletterId id = DeadletterId.derived(cause, reason);
    assertThat(id.value()).isEqualTo("dl-" + sha256Hex32(cause + "|" + reason.name())).hasSize(35);
    assertIsPathId(id.value());
    assertThat(DeadletterId.derived(cause, reason)).as("stable").isEqualTo(id);
  }

  @Test
  void deadletterIdsAreDistinctPerReasonAndPerCause() {
    List<String> causes = List.of("run-1:task-a:1", "run-1:task-a:2", "run-1@1", "run-1@2", "r-0");
    Set<DeadletterId> ids =
        causes.stream()
            .flatMap(
                c -> Arrays.stream(DeadletterReason.values()).map(r -> DeadletterId.derived(c, r)))
            .collect(Collectors.toSet());
    assertThat(ids).hasSize(causes.size() * DeadletterReason.values().length);
  }

  @Test
  void resultIdsOfDifferentAttemptsDiffer() {
    AttemptId first = AttemptId.of(RUN, TASK_A, 1);
    assertThat(DeliveryId.forResult(first)).isNotEqualTo(DeliveryId.forResult(first.next()));
    assertThat(DeliveryId.forResult(first))
        .isNotEqualTo(DeliveryId.forResult(AttemptId.of(RUN, TaskId.of("task-b"), 1)));
    assertThat(DeliveryId.forResult(first))
        .isEqualTo(DeliveryId.forResult(AttemptId.of(RUN, TASK_A, 1)));
  }
}
