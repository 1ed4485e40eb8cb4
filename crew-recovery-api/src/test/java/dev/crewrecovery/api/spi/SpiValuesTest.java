package dev.crewrecovery.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values of the SPI: update decisions, results and the deadletter filter. */
class SpiValuesTest {
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final RunId RUN = RunId.of("run-1");
  private static final RunSnapshot SNAPSHOT =
      RunSnapshot.initial(Manifest.created(RUN, null, T0), List.of());

  @Test
  void unchangedCommitsNothing() {
    Update u = Update.unchanged();
    assertThat(u.isUnchanged()).isTrue();
    assertThat(u.snapshot()).isNull();
    assertThat(u.events()).isEmpty();
    assertThat(u.deadletters()).isEmpty();
  }

  @Test
  void commitCopiesItsLists() {
    List<NewEvent> events = new ArrayList<>(List.of(NewEvent.of("run.x", T0, Map.of())));
    List<DeadletterEntry> dls =
        new ArrayList<>(List.of(DeadletterEntry.forRun(RUN, 1, DeadletterReason.MANUAL, null, T0)));
    Update u = Update.commit(SNAPSHOT, events, dls);
    events.clear();
    dls.clear();
    assertThat(u.isUnchanged()).isFalse();
    assertThat(u.snapshot()).isEqualTo(SNAPSHOT);
    assertThat(u.events()).hasSize(1);
    assertThat(u.deadletters()).hasSize(1);
    assertThatThrownBy(() -> u.events().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(Update.commit(SNAPSHOT, List.of()).deadletters()).isEmpty();
  }

  @Test
  void updateResultCopiesItsEvents() {
    List<RunEvent> events = new ArrayList<>(List.of(new RunEvent(RUN, 1, "run.x", T0, Map.of())));
    UpdateResult r = new UpdateResult(SNAPSHOT, true, events);
    events.clear();
    assertThat(r.events()).hasSize(1);
    assertThatThrownBy(() -> r.events().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void deadletterFilterMatchesEveryNonNullComponentWithInclusiveBounds() {
    TaskId task = TaskId.of("t");
    DeadletterEntry e =
        DeadletterEntry.forAttempt(
            AttemptId.of(RUN, task, 1), DeadletterReason.MAX_RETRIES, null, T0, 1);
    assertThat(DeadletterFilter.all().matches(e)).isTrue();
    assertThat(DeadletterFilter.ofRun(RUN).matches(e)).isTrue();
    assertThat(DeadletterFilter.ofRun(RunId.of("other")).matches(e)).isFalse();
    assertThat(new DeadletterFilter(null, task, null, null, null).matches(e)).isTrue();
    assertThat(new DeadletterFilter(null, TaskId.of("u"), null, null, null).matches(e)).isFalse();
    assertThat(
            new DeadletterFilter(null, null, DeadletterReason.MAX_RETRIES, null, null).matches(e))
        .isTrue();
    assertThat(new DeadletterFilter(null, null, DeadletterReason.MANUAL, null, null).matches(e))
        .isFalse();
    assertThat(new DeadletterFilter(null, null, null, T0, T0).matches(e)).as("inclusive").isTrue();
    assertThat(new DeadletterFilter(null, null, null, T0.plusMillis(1), null).matches(e)).isFalse();
    assertThat(new DeadletterFilter(null, null, null, null, T0.minusMillis(1)).matches(e))
        .isFalse();
    DeadletterEntry runLevel =
        DeadletterEntry.forRun(RUN, 1, DeadletterReason.CRASH_LOOP, null, T0);
    assertThat(new DeadletterFilter(null, task, null, null, null).matches(runLevel)).isFalse();
  }
}
