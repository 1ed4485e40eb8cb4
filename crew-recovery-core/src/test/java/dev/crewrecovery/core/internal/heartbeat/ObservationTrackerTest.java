package dev.crewrecovery.core.internal.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.internal.decide.TaskObservation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ObservationTrackerTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId TASK = TaskId.of("task-1");
  private static final Instant T0 = Instant.parse("2030-01-01T12:00:00Z");
  private static final AttemptId A1 = AttemptId.of(RUN, TASK, 1);
  private static final AttemptId A2 = AttemptId.of(RUN, TASK, 2);

  private static TaskState running(Instant startedAt, int attempts) {
    TaskState t = TaskState.queued(TASK);
    TaskState.Builder b = t.toBuilder().status(TaskStatus.RUNNING);
    for (int n = 1; n <= attempts; n++) {
      b.addAttempt(Attempt.started(AttemptId.of(RUN, TASK, n), startedAt, null));
    }
    return b.lastSeenAt(startedAt).build();
  }

  private static HeartbeatReading slot(AttemptId a, long beats, Instant beatAt, boolean alive) {
    return HeartbeatReading.ok(TASK, new HeartbeatSlot(a, beats, beatAt, 0, null, alive));
  }

  @Test
  void startingAnAttemptIsItsFirstBeat() {
    ObservationTracker tracker = new ObservationTracker();
    Observation o =
        tracker
            .observe(RUN, running(T0, 1), HeartbeatReading.missing(TASK), T0.plusSeconds(5))
            .orElseThrow();
    assertThat(o.lastSeenAt()).isEqualTo(T0);
    assertThat(o.readable()).isFalse();
  }

  @Test
  void firstSightTakesTheWorkerInstantClampedToNow() {
    ObservationTracker tracker = new ObservationTracker();
    Instant now = T0.plusSeconds(100);
    Observation fromThePast =
        tracker
            .observe(RUN, running(T0, 1), slot(A1, 3, T0.plusSeconds(40), true), now)
            .orElseThrow();
    assertThat(fromThePast.lastSeenAt()).isEqualTo(T0.plusSeconds(40));

    ObservationTracker other = new ObservationTracker();
    Observation fromTheFuture =
        other
            .observe(RUN, running(T0, 1), slot(A1, 3, T0.plusSeconds(10_000), true), now)
            .orElseThrow();
    assertThat(fromTheFuture.lastSeenAt()).isEqualTo(now);
  }

  @Test
  void laterSightsTakeTheTimeTheCounterWasSeenToIncrease() {
    ObservationTracker tracker = new ObservationTracker();
    TaskState task = running(T0, 1);
    tracker.observe(RUN, task, slot(A1, 1, T0, true), T0.plusSeconds(1));
    // The worker's clock is an hour behind: its instant is ignored, the increase is dated now.
    Observation increased =
        tracker
            .observe(
                RUN, task, slot(A1, 2, T0.minus(Duration.ofHours(1)), true), T0.plusSeconds(20))
            .orElseThrow();
    assertThat(increased.lastSeenAt()).isEqualTo(T0.plusSeconds(20));
    // Same counter, however fresh its instant claims to be: nothing new was seen.
    Observation same =
        tracker
            .observe(RUN, task, slot(A1, 2, T0.plusSeconds(90), true), T0.plusSeconds(95))
            .orElseThrow();
    assertThat(same.lastSeenAt()).isEqualTo(T0.plusSeconds(20));
  }

  @Test
  void activityCountersAreFollowedLikeBeats() {
    ObservationTracker tracker = new ObservationTracker();
    TaskState task = running(T0, 1);
    tracker.observe(
        RUN, task, HeartbeatReading.ok(TASK, new HeartbeatSlot(A1, 1, T0, 0, null, true)), T0);
    Observation o =
        tracker
            .observe(
                RUN,
                task,
                HeartbeatReading.ok(TASK, new HeartbeatSlot(A1, 1, T0, 1, T0, true)),
                T0.plusSeconds(50))
            .orElseThrow();
    assertThat(o.lastActivityAt()).isEqualTo(T0.plusSeconds(50));
    assertThat(o.lastSeenAt()).isEqualTo(T0);
    assertThat(o.freshest()).isEqualTo(T0.plusSeconds(50));
  }

  @Test
  void anUnreadableSlotKeepsTheLastGoodObservation() {
    ObservationTracker tracker = new ObservationTracker();
    TaskState task = running(T0, 1);
    tracker.observe(RUN, task, slot(A1, 1, T0, true), T0);
    tracker.observe(RUN, task, slot(A1, 2, T0, true), T0.plusSeconds(30));
    Observation torn =
        tracker
            .observe(RUN, task, HeartbeatReading.corrupt(TASK), T0.plusSeconds(400))
            .orElseThrow();
    assertThat(torn.readable()).isFalse();
    assertThat(torn.lastSeenAt()).isEqualTo(T0.plusSeconds(30));
    Observation missing = tracker.observe(RUN, task, null, T0.plusSeconds(500)).orElseThrow();
    assertThat(missing.lastSeenAt()).isEqualTo(T0.plusSeconds(30));
  }

  @Test
  void slotsOfANonCurrentAttemptAreIgnored() {
    ObservationTracker tracker = new ObservationTracker();
    TaskState second = running(T0.plusSeconds(100), 2);
    Observation o =
        tracker
            .observe(RUN, second, slot(A1, 50, T0.plusSeconds(200), false), T0.plusSeconds(300))
            .orElseThrow();
    assertThat(o.attempt()).isEqualTo(A2);
    assertThat(o.lastSeenAt()).isEqualTo(T0.plusSeconds(100));
    assertThat(o.ended()).isFalse();
    assertThat(o.readable()).isFalse();
  }

  @Test
  void aNewAttemptStartsAFreshObservation() {
    ObservationTracker tracker = new ObservationTracker();
    tracker.observe(
        RUN, running(T0, 1), slot(A1, 9, T0.plusSeconds(50), false), T0.plusSeconds(60));
    Observation o =
        tracker
            .observe(
                RUN,
                running(T0.plusSeconds(70), 2),
                HeartbeatReading.missing(TASK),
                T0.plusSeconds(80))
            .orElseThrow();
    assertThat(o.attempt()).isEqualTo(A2);
    assertThat(o.lastSeenAt()).isEqualTo(T0.plusSeconds(70));
    assertThat(o.ended()).isFalse();
  }

  @Test
  void aTaskWithoutCurrentAttemptHasNoObservation() {
    ObservationTracker tracker = new ObservationTracker();
    TaskState requeued =
        running(T0, 1).toBuilder().status(TaskStatus.QUEUED).attemptCurrent(false).build();
    assertThat(tracker.observe(RUN, requeued, slot(A1, 1, T0, true), T0)).isEmpty();
    assertThat(tracker.size()).isZero();
  }

  @Test
  void aBeatWithAliveFalseMarksTheWorkerEnded() {
    ObservationTracker tracker = new ObservationTracker();
    Observation o = tracker.observe(RUN, running(T0, 1), slot(A1, 1, T0, false), T0).orElseThrow();
    assertThat(o.ended()).isTrue();
    assertThat(o.toTaskObservation()).isEqualTo(new TaskObservation(A1, T0, null, true, true));
  }

  @Test
  void lastSeenAtNeverDecreasesWhateverTheSlotsSay() {
    // Each step: 0 = missing, 1 = corrupt, 2 = same counter, 3 = counter + 1, 4 = counter reset,
    // with a worker instant anywhere from an hour back to an hour ahead and time moving forward.
    qt().forAll(
            lists().of(integers().between(0, 4)).ofSizeBetween(1, 40),
            lists().of(integers().between(-3600, 3600)).ofSize(40))
        .check(
            (steps, offsets) -> {
              ObservationTracker tracker = new ObservationTracker();
              TaskState task = running(T0, 1);
              Instant now = T0;
              long counter = 0;
              Instant last = Instant.MIN;
              for (int i = 0; i < steps.size(); i++) {
                now = now.plusSeconds(7);
                Instant workerAt = now.plusSeconds(offsets.get(i));
                HeartbeatReading r =
                    switch (steps.get(i)) {
                      case 0 -> HeartbeatReading.missing(TASK);
                      case 1 -> HeartbeatReading.corrupt(TASK);
                      case 2 -> slot(A1, counter, workerAt, true);
                      case 3 -> slot(A1, ++counter, workerAt, true);
                      default -> slot(A1, counter = 0, workerAt, true);
                    };
                Observation o = tracker.observe(RUN, task, r, now).orElseThrow();
                if (o.lastSeenAt().isBefore(last)
                    || o.lastSeenAt().isAfter(now)
                    || o.lastSeenAt().isBefore(T0)) {
                  return false;
                }
                last = o.lastSeenAt();
              }
              return true;
            });
  }

  @Test
  void forgettingDropsTheObservation() {
    ObservationTracker tracker = new ObservationTracker();
    tracker.observe(RUN, running(T0, 1), null, T0);
    assertThat(tracker.size()).isEqualTo(1);
    tracker.forget(RUN, TASK);
    assertThat(tracker.size()).isZero();
  }
}
