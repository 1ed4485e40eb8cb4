package dev.crewrecovery.core.internal.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.WaitMarker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DESIGN section 9: a timestamp later than the wall time at which a reader first saw it counts as
 * observed at that read, and ages from there in monotonic time.
 */
class FutureInstantsTest {
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private static final long S = 1_000_000_000L;
  private static final RunId R = RunId.of("r");
  private static final TaskId A = TaskId.of("a");
  private static final AttemptId A1 = AttemptId.of(R, A, 1);

  private final FutureInstants futures = new FutureInstants();

  @Test
  void aPastTimestampIsJudgedAsItIsAndNothingIsRemembered() {
    Instant past = NOW.minusSeconds(40);
    assertThat(futures.effective(R, "x", past, NOW, 0)).isSameAs(past);
    assertThat(futures.size()).isZero();
  }

  @Test
  void aFutureTimestampCountsAsSeenAtTheFirstReadAndAgesInMonotonicTime() {
    Instant future = NOW.plus(Duration.ofHours(1));
    assertThat(futures.effective(R, "x", future, NOW, 0)).isEqualTo(NOW);
    // Wall time stands still (or steps back): the age grows with monotonic time anyway.
    assertThat(futures.effective(R, "x", future, NOW, 301 * S)).isEqualTo(NOW.minusSeconds(301));
    assertThat(futures.effective(R, "x", future, NOW.minusSeconds(3600), 400 * S))
        .isEqualTo(NOW.minusSeconds(4000));
  }

  @Test
  void onceWallTimePassedItTheTimestampIsNeverJudgedYoungerThanItsWallAge() {
    Instant future = NOW.plusSeconds(60);
    futures.effective(R, "x", future, NOW, 0);
    // A forward step of 25 h: the wall age (25 h − 60 s) is older than the monotonic one (10 s).
    Instant later = NOW.plus(Duration.ofHours(25));
    assertThat(futures.effective(R, "x", future, later, 10 * S)).isEqualTo(future);
  }

  @Test
  void aNewValueStartsOverAndAnUnreadOneIsForgotten() {
    Instant first = NOW.plusSeconds(600);
    futures.effective(R, "x", first, NOW, 0);
    Instant second = NOW.plusSeconds(900);
    assertThat(futures.effective(R, "x", second, NOW.plusSeconds(100), 100 * S))
        .isEqualTo(NOW.plusSeconds(100));
    futures.collect(100 * S + FutureInstants.KEEP.toNanos());
    assertThat(futures.size()).isEqualTo(1);
    futures.collect(100 * S + FutureInstants.KEEP.toNanos() + 1);
    assertThat(futures.size()).isZero();
  }

  @Test
  void theSnapshotToJudgeHasItsFutureInstantsReplacedAndIsTheSameOtherwise() {
    Instant ahead = NOW.plus(Duration.ofHours(2));
    Attempt attempt = Attempt.started(A1, ahead, null);
    TaskState task =
        new TaskState(
            A,
            TaskStatus.WAITING,
            List.of(attempt),
            true,
            new WaitMarker(ahead, null, "which?"),
            null,
            ahead,
            ahead);
    Manifest m = Manifest.created(R, null, ahead);
    RunSnapshot s = RunSnapshot.initial(m, List.of(task));

    RunSnapshot first = futures.aged(s, NOW, 0);
    RunSnapshot later = futures.aged(s, NOW, 600 * S);

    assertThat(first.manifest().updatedAt()).isEqualTo(NOW);
    TaskState t = later.task(A).orElseThrow();
    Instant aged = NOW.minusSeconds(600);
    assertThat(later.manifest().updatedAt()).isEqualTo(aged);
    assertThat(t.lastSeenAt()).isEqualTo(aged);
    assertThat(t.lastActivityAt()).isEqualTo(aged);
    assertThat(t.waitMarker().askedAt()).isEqualTo(aged);
    assertThat(t.waitMarker().question()).isEqualTo("which?");
    assertThat(t.currentAttempt().orElseThrow().startedAt()).isEqualTo(aged);

    RunSnapshot calm =
        RunSnapshot.initial(Manifest.created(RunId.of("calm"), null, NOW), List.of());
    assertThat(futures.aged(calm, NOW, 600 * S)).isSameAs(calm);
  }

  @Test
  void aWorkersBeatStampedAheadAndALeaseRenewedAheadAgeFromTheirFirstRead() {
    Instant ahead = NOW.plusSeconds(3600);
    HeartbeatReading r = HeartbeatReading.ok(A, new HeartbeatSlot(A1, 7, ahead, 0, null, true));
    assertThat(futures.aged(r, NOW, 0).slot().beatAt()).isEqualTo(NOW);
    assertThat(futures.aged(r, NOW, 31 * S).slot().beatAt()).isEqualTo(NOW.minusSeconds(31));

    Lease lease = new Lease(SessionId.of("b"), 1, NOW, ahead, false);
    assertThat(futures.aged(lease, NOW, 31 * S).isExpiredAt(NOW, Duration.ofSeconds(30))).isFalse();
    assertThat(futures.aged(lease, NOW, 62 * S).isExpiredAt(NOW, Duration.ofSeconds(30))).isTrue();
  }
}
