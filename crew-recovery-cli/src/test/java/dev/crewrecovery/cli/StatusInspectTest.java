package dev.crewrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.CrewRecovery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status} and {@code inspect} against real file stores. */
class StatusInspectTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void open() {
    cli = new Cli(dir);
  }

  @AfterEach
  void close() {
    cli.close();
  }

  @Test
  void aHealthyRunOfALiveHostNeedsNoAttention() {
    CrewRecovery host = cli.host("host-a");
    AttemptId a = cli.runningRun(host, "r1", 101, "a", "b");
    cli.clock.advance(Duration.ofSeconds(10));
    host.runs().heartbeat(a);

    Cli.Result r = cli.run("status", "--json");

    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode run = r.json().get("runs").get(0);
    assertThat(run.get("run").asText()).isEqualTo("r1");
    assertThat(run.get("status").asText()).isEqualTo("RUNNING");
    assertThat(run.get("owner").asText()).isEqualTo("host-a#1");
    assertThat(run.get("lease").asText()).isEqualTo("LIVE");
    assertThat(run.get("tasks").get("RUNNING").asInt()).isEqualTo(1);
    assertThat(run.get("tasks").get("QUEUED").asInt()).isEqualTo(1);
    assertThat(run.get("heartbeats").get("HEALTHY").asInt()).isEqualTo(1);
    assertThat(run.get("attention").asBoolean()).isFalse();
    assertThat(r.json().get("needAttention").asInt()).isZero();

    Cli.Result text = cli.run("status");
    assertThat(text.code()).isZero();
    assertThat(text.out())
        .contains("RUN", "r1", "RUNNING", "host-a#1", "LIVE", "HEALTHY:1", "none needs attention");
  }

  @Test
  void anOrphanedRunWithADeadWorkerNeedsAttention() {
    CrewRecovery host = cli.host("host-a");
    AttemptId a = cli.runningRun(host, "r1", 101, "a");
    ProcessRef worker = cli.worker("r1", 0);
    host.close();
    cli.probe.set(worker, Liveness.DEAD);

    Cli.Result r = cli.run("status", "--json");

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    JsonNode run = r.json().get("runs").get(0);
    assertThat(run.get("lease").asText()).isEqualTo("RELEASED");
    assertThat(run.get("attention").asBoolean()).isTrue();
    assertThat(run.get("reasons").toString()).contains("lease RELEASED", "worker DEAD");
    assertThat(a.taskId()).isEqualTo(TaskId.of("a"));
  }

  @Test
  void heartbeatLevelsFollowTheAgeStrictly() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");

    assertThat(level(cli.run("--now", "2030-01-01T00:00:30Z", "status", "--json")))
        .isEqualTo("HEALTHY");
    assertThat(level(cli.run("--now", "2030-01-01T00:00:31Z", "status", "--json")))
        .isEqualTo("WARN");
    assertThat(level(cli.run("--now", "2030-01-01T00:01:01Z", "status", "--json")))
        .isEqualTo("STALE");
    Cli.Result dead = cli.run("--now", "2030-01-01T00:05:01Z", "status", "--json");
    assertThat(level(dead)).isEqualTo("DEAD");
    // The lease of a host whose clock did not move is expired at the judged instant too.
    assertThat(dead.code()).isEqualTo(1);
  }

  private static String level(Cli.Result r) {
    return r.json().get("runs").get(0).get("heartbeats").fieldNames().next();
  }

  @Test
  void finishedRunsAreListedOnlyWithAll() {
    CrewRecovery host = cli.host("host-a");
    AttemptId a = cli.runningRun(host, "done", 101, "a");
    host.runs().complete(a, "out.txt");
    host.runs().finish(RunId.of("done"), null);
    cli.runningRun(host, "busy", 102, "a");

    JsonNode active = cli.run("status", "--json").json().get("runs");
    JsonNode all = cli.run("status", "--all", "--json").json().get("runs");

    assertThat(active).extracting(n -> n.get("run").asText()).containsExactly("busy");
    assertThat(all).extracting(n -> n.get("run").asText()).containsExactly("busy", "done");
    assertThat(all.get(1).get("status").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void anEmptyStoreHasNoActiveRuns() {
    Cli.Result r = cli.run("status");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("No active runs.");
  }

  @Test
  void inspectShowsTheChecklistOfAHealthyRun() {
    CrewRecovery host = cli.host("host-a");
    AttemptId a = cli.runningRun(host, "r1", 101, "a", "b");
    cli.clock.advance(Duration.ofSeconds(45));
    cli.renew(host);

    Cli.Result r = cli.run("inspect", "r1");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("Run r1", "RUNNING", "host-a#1", "lease LIVE")
        .contains("Tasks", "pid 101 on testhost", "ALIVE", "45s ago", "WARN")
        .contains("Last 20 events", "run.created", "task.started")
        .contains("Deadletters", "none")
        .contains("Verdict", "ACTIVE", "proposed: NO_OP")
        .doesNotContain("Needs attention");
    assertThat(a.number()).isEqualTo(1);
  }

  @Test
  void inspectJsonCarriesTasksEventsLivenessAndTheVerdict() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a", "b");
    List<NewEvent> extra = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      extra.add(NewEvent.of("test.note", cli.clock.now(), Map.of("i", Integer.toString(i))));
    }
    cli.store.appendEvents(RunId.of("r1"), extra);
    long lastSeq = cli.events("r1").get(cli.events("r1").size() - 1).seq();

    JsonNode j = cli.run("inspect", "r1", "--json").json();

    assertThat(j.get("run").asText()).isEqualTo("r1");
    assertThat(j.get("manifest").get("lease").asText()).isEqualTo("LIVE");
    JsonNode task = j.get("tasks").get(0);
    assertThat(task.get("task").asText()).isEqualTo("a");
    assertThat(task.get("attempt").asText()).isEqualTo("r1:a:1");
    assertThat(task.get("worker").get("pid").asLong()).isEqualTo(101);
    assertThat(task.get("worker").get("startTicks").isNumber()).isTrue();
    assertThat(task.get("workerLiveness").asText()).isEqualTo("ALIVE");
    assertThat(task.get("level").asText()).isEqualTo("HEALTHY");
    assertThat(task.get("ageSeconds").asLong()).isZero();
    assertThat(j.get("tasks").get(1).get("status").asText()).isEqualTo("QUEUED");
    assertThat(j.get("events")).hasSize(20);
    assertThat(j.get("events").get(19).get("seq").asLong()).isEqualTo(lastSeq);
    assertThat(j.get("events").get(19).get("data").get("i").asText()).isEqualTo("29");
    assertThat(j.get("verdict").get("verdict").asText()).isEqualTo("ACTIVE");
    assertThat(j.get("verdict").get("action").asText()).isEqualTo("NO_OP");
    assertThat(j.get("verdict").get("liveOwner").asBoolean()).isTrue();
    assertThat(j.get("attention").asBoolean()).isFalse();
  }

  @Test
  void inspectOfALiveOwnersRunWithADeadWorkerProposesFailAndNeedsForce() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    ProcessRef worker = cli.worker("r1", 0);
    cli.probe.set(worker, Liveness.DEAD);

    Cli.Result r = cli.run("inspect", "r1");
    JsonNode j = cli.run("inspect", "r1", "--json").json();

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains("DEAD", "PROCESS_DEAD", "proposed: FAIL", "needs --force", "Needs attention");
    assertThat(j.get("verdict").get("verdict").asText()).isEqualTo("PROCESS_DEAD");
    assertThat(j.get("verdict").get("action").asText()).isEqualTo("FAIL");
    assertThat(j.get("tasks").get(0).get("workerLiveness").asText()).isEqualTo("DEAD");
    assertThat(j.get("reasons").toString()).contains("worker DEAD", "proposes FAIL");
    assertThat(cli.snapshot("r1").version()).as("inspect writes nothing").isEqualTo(2);
  }

  @Test
  void inspectWritesNoEventAndLeavesNoLeaseHeld() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    ProcessRef worker = cli.worker("r1", 0);
    host.close();
    cli.probe.set(worker, Liveness.DEAD);
    long version = cli.snapshot("r1").version();
    int events = cli.events("r1").size();

    Cli.Result r = cli.run("inspect", "r1", "--json");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.json().get("verdict").get("verdict").asText()).isEqualTo("PROCESS_DEAD");
    assertThat(cli.snapshot("r1").version()).isEqualTo(version);
    assertThat(cli.events("r1")).hasSize(events);
    assertThat(cli.store.lease(Cli.OPERATOR).orElseThrow().released()).isTrue();
  }
}
