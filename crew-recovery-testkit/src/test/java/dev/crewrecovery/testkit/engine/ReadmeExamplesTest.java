package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RedriveResult;
import dev.crewrecovery.testkit.FakeProcessProbe;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's deadletter and delivery examples, kept here so that they compile against the API and
 * do what the README says. The lines between the {@code README} markers are the README's.
 */
class ReadmeExamplesTest {
  @TempDir Path dir;

  private final List<String> shown = new ArrayList<>();

  private void show(RunId run, DeliveryKind kind, String payload) {
    shown.add(run + " " + kind + " " + payload);
  }

  @Test
  void deadletterExample() {
    RunId runId = RunId.of("nightly");
    try (FileRunStore store = FileRunStore.open(dir);
        CrewRecovery crew =
            CrewRecovery.builder()
                .store(store)
                .probe(new FakeProcessProbe())
                .config(RecoveryConfig.builder().maxAttempts(1).build())
                .build()) {
      crew.start();
      crew.runs().create(runId, List.of(TaskId.of("build")));
      AttemptId a = crew.runs().startAttempt(runId, TaskId.of("build"));
      crew.runs().fail(a, Failure.of("EXIT_1", "build failed", Instant.now()));
      crew.runs().finish(runId, null);

      // README begin
      Deadletters dl = crew.recovery().deadletters();
      for (DeadletterView v : dl.list(DeadletterQuery.all().withState(DeadletterState.OPEN))) {
        System.out.println(
            v.entry().reason() + " " + v.entry().runId() + ": " + v.entry().lastError());
      }
      DeadletterId id = dl.list(DeadletterQuery.all().withRun(runId)).get(0).id();
      RedriveResult preview = dl.previewRedrive(id, Instant.now()); // writes nothing
      preview.changes().forEach(System.out::println);
      RedriveResult done = dl.redrive(id, Instant.now()); // task requeued, run RUNNING, adopted
      // ... or, to close it without acting: dl.discard(id, "known flake", Instant.now());
      // README end

      assertThat(preview.written()).isFalse();
      assertThat(done.written()).isTrue();
      assertThat(done.changes()).isEqualTo(preview.changes());
      assertThat(dl.find(id).orElseThrow().state()).isEqualTo(DeadletterState.REDRIVEN);
    }
  }

  @Test
  void deliveryExample() {
    RunId runId = RunId.of("nightly");
    try (FileRunStore store = FileRunStore.open(dir)) {
      // README begin
      CrewRecovery crew =
          CrewRecovery.builder()
              .store(store)
              .sink(d -> show(d.runId(), d.kind(), d.payload())) // throw to refuse: kept, retried
              // README end
              .probe(new FakeProcessProbe())
              // README begin
              .build();
      crew.start();
      crew.runs().create(runId, List.of(TaskId.of("build")));
      AttemptId a = crew.runs().startAttempt(runId, TaskId.of("build"));
      crew.runs().complete(a, "file:///out/build.log"); // queued: no session is active yet

      DeliveryCoordinator deliveries = crew.deliveries();
      deliveries.activate(crew.sessionId()); // flushes what waited, in order
      deliveries.deliverSteer(runId, "focus on the tests", null, null); // delivered now
      List<Delivery> waiting = deliveries.queued(); // empty: everything was taken
      deliveries.deactivate(); // from now on items wait (results on disk)
      crew.close();
      // README end

      assertThat(waiting).isEmpty();
      assertThat(shown)
          .containsExactly(
              "nightly RESULT file:///out/build.log", "nightly STEER focus on the tests");
    }
  }
}
