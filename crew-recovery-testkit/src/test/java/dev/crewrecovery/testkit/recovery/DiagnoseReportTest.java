package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.completed;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.core.ApplyResult;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.DiagnosisReport;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryPlan;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIAGNOSE (DESIGN section 8): a self-contained JSON report, written durably to {@code
 * <root>/reports/<runId>-<epochMillis>.json} with the file store, returned in the result, and never
 * a change to the run.
 */
class DiagnoseReportTest {
  private static final RunId R1 = RunId.of("r1");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeClock clock = new FakeClock(T0);
  private final FakeProcessProbe probe = new FakeProcessProbe();

  @TempDir Path root;

  private FileRunStore fileStore() {
    return FileRunStore.open(
        root,
        FileRunStore.Options.builder().clock(clock).lockTimeout(Duration.ofSeconds(5)).build());
  }

  /**
   * A BLOCKED run whose tasks all completed: RESULT_READY_BLOCKED, for which the policy says
   * DIAGNOSE.
   */
  private void readyButBlocked(Host h) {
    h.put("r1", null, RunStatus.BLOCKED, completed("r1", "a", T0), completed("r1", "b", T0));
    h.store.appendDeadletter(
        DeadletterEntry.forRun(R1, 1, DeadletterReason.MANUAL, "looked at by hand", T0));
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void applyingDiagnoseWithTheFileStoreWritesTheReportDurablyAndReturnsIt() throws IOException {
    FileRunStore store = fileStore();
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      readyButBlocked(h);
      clock.advance(Duration.ofMinutes(5));
      RecoveryPlan plan = h.crew.recovery().plan().get(0);
      assertThat(plan.verdict()).isEqualTo(VerdictKind.RESULT_READY_BLOCKED);
      assertThat(plan.action()).isEqualTo(RecoveryAction.DIAGNOSE);
      long version = h.snapshot(R1).version();
      List<String> eventsBefore = h.eventTypes(R1);

      ApplyResult r = h.crew.recovery().apply(plan);

      assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
      DiagnosisReport report = r.report();
      assertThat(report).isNotNull();
      Instant at = clock.now();
      Path expected = store.reportsDirectory().resolve("r1-" + at.toEpochMilli() + ".json");
      assertThat(report.location()).isEqualTo(expected.toString());
      assertThat(r.detail()).contains(expected.toString());
      assertThat(files(store.reportsDirectory())).containsExactly(expected);
      assertThat(Files.readString(expected, StandardCharsets.UTF_8)).isEqualTo(report.json());
      assertThat(h.snapshot(R1).version()).as("never changes the snapshot").isEqualTo(version);
      assertThat(h.eventTypes(R1)).isEqualTo(eventsBefore);

      JsonNode doc = JSON.readTree(expected.toFile());
      assertThat(doc.path("format").asText()).isEqualTo("crew-recovery.diagnosis/1");
      assertThat(doc.path("runId").asText()).isEqualTo("r1");
      assertThat(doc.path("generatedAt").asText()).isEqualTo(at.toString());
      assertThat(doc.path("verdict").path("kind").asText()).isEqualTo("RESULT_READY_BLOCKED");
      assertThat(doc.path("verdict").path("step").asInt()).isEqualTo(2);
      assertThat(doc.path("verdict").path("rule").asText()).isNotBlank();
      assertThat(doc.path("verdict").path("why").asText()).contains("derived status COMPLETED");
      assertThat(doc.path("policyAction").asText()).isEqualTo("DIAGNOSE");
      assertThat(doc.path("summary").path("status").asText()).isEqualTo("BLOCKED");
      assertThat(doc.path("summary").path("tasksByStatus").path("COMPLETED").asInt()).isEqualTo(2);
      assertThat(doc.path("snapshot").path("manifest").path("runId").asText()).isEqualTo("r1");
      assertThat(doc.path("snapshot").path("tasks")).hasSize(2);
      assertThat(
              doc.path("snapshot").path("tasks").get(0).path("attempts").get(0).path("id").asText())
          .isEqualTo("r1:a:1");
      assertThat(doc.path("time").path("graceWindowOpen").asBoolean()).isFalse();
      assertThat(doc.path("time").path("wall").asText()).isEqualTo(at.toString());
      assertThat(doc.path("deadletters")).hasSize(1);
      assertThat(doc.path("deadletters").get(0).path("entry").path("reason").asText())
          .isEqualTo("MANUAL");
      assertThat(doc.path("deadlettersError").isNull()).isTrue();
      assertThat(doc.path("events").isArray()).isTrue();
      assertThat(doc.has("heartbeats")).isTrue();
      assertThat(doc.has("observations")).isTrue();
      assertThat(doc.path("probes").path("workers").isArray()).isTrue();
      assertThat(doc.has("leases")).isTrue();
    }
  }

  @Test
  void theReportHoldsTheProbesHeartbeatsAndLastEventsOfARunningRun() throws IOException {
    FileRunStore store = fileStore();
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      var worker = probe.spawn(101);
      h.put("r1", null, RunStatus.RUNNING, running("r1", "a", worker, T0));
      store.recordHeartbeat(h.task(R1, "a").currentAttempt().orElseThrow().id(), T0.plusSeconds(3));
      clock.advance(Duration.ofSeconds(10));
      List<NewEvent> notes = new ArrayList<>();
      for (int i = 0; i < 230; i++) {
        notes.add(NewEvent.of("host.note", T0, Map.of("i", Integer.toString(i))));
      }
      store.appendEvents(R1, notes);
      RecoveryPlan plan =
          h.crew.recovery().plan().get(0).withAction(RecoveryAction.DIAGNOSE, false);

      ApplyResult r = h.crew.recovery().apply(plan);

      assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
      JsonNode doc = JSON.readTree(r.report().json());
      assertThat(doc.path("verdict").path("kind").asText()).isEqualTo("ACTIVE");
      JsonNode w = doc.path("probes").path("workers").get(0);
      assertThat(w.path("attempt").asText()).isEqualTo("r1:a:1");
      assertThat(w.path("liveness").asText()).isEqualTo("ALIVE");
      assertThat(w.path("ref").path("pid").asLong()).isEqualTo(101);
      assertThat(doc.path("heartbeats").path("a").path("slot").path("beatAt").asText())
          .isEqualTo(T0.plusSeconds(3).toString());
      assertThat(doc.path("observations").path("a").path("lastSeenAt").asText())
          .isEqualTo(T0.plusSeconds(3).toString());
      assertThat(doc.path("events")).hasSize(200);
      assertThat(doc.path("events").get(199).path("data").path("i").asText()).isEqualTo("229");
      assertThat(doc.path("eventsTotalSeen").asInt()).isEqualTo(230);
    }
  }

  @Test
  void aPassBuildsOneReportPerVerdictNotOneAtEveryPass() throws IOException {
    FileRunStore store = fileStore();
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      readyButBlocked(h);

      RunReport first = h.pass().run(R1).orElseThrow();
      clock.advance(Duration.ofSeconds(60));
      RunReport second = h.pass().run(R1).orElseThrow();

      assertThat(first.outcome()).isEqualTo(Outcome.REPORTED);
      assertThat(first.action()).isEqualTo(RecoveryAction.DIAGNOSE);
      assertThat(first.report()).isNotNull();
      assertThat(first.report().location()).isNotNull();
      assertThat(Path.of(first.report().location())).exists();
      assertThat(first.detail()).contains("report written to");
      assertThat(second.report()).isNull();
      assertThat(files(store.reportsDirectory())).hasSize(1);
      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.BLOCKED);
    }
  }

  @Test
  void withAnotherStoreTheReportIsReturnedAndGoesToTheConfiguredSink() {
    InMemoryRunStore memory = InMemoryRunStore.open(clock);
    try (Host h = new Host(clock, memory, probe, SessionId.of("host-a")).started()) {
      readyButBlocked(h);
      ApplyResult r = h.crew.recovery().apply(h.crew.recovery().plan().get(0));
      assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(r.report()).isNotNull();
      assertThat(r.report().location()).as("stored nowhere by default").isNull();
      assertThat(r.report().json()).contains("RESULT_READY_BLOCKED");
    }

    List<String> sunk = new ArrayList<>();
    CrewRecovery crew =
        EngineAccess.manualLoops(
                CrewRecovery.builder()
                    .store(memory)
                    .clock(clock)
                    .probe(probe)
                    .sessionId(SessionId.of("host-c"))
                    .hostName(Host.HOST)
                    .config(RecoveryConfig.defaults())
                    .reportSink(
                        (runId, at, json) -> {
                          sunk.add(json);
                          return "memory://" + runId + "/" + at.toEpochMilli();
                        }))
            .build();
    try (crew) {
      crew.start();
      ApplyResult r = crew.recovery().apply(crew.recovery().plan().get(0));
      assertThat(r.report().location()).isEqualTo("memory://r1/" + clock.now().toEpochMilli());
      assertThat(sunk).containsExactly(r.report().json());
    }
  }
}
