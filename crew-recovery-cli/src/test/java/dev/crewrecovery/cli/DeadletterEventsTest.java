package dev.crewrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.RecoveryConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deadletter list|discard} and {@code events [--follow]}. */
class DeadletterEventsTest {
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

  /** A run whose only task failed with no retry left: one MAX_RETRIES entry. */
  private String failedForGood(CrewRecovery host, String run) {
    AttemptId a = cli.runningRun(host, run, 101, "a");
    host.runs().fail(a, Failure.of("BOOM", "the tool crashed", cli.clock.now()));
    return cli.store.deadletters(dev.crewrecovery.api.spi.DeadletterFilter.all()).stream()
        .filter(d -> d.entry().runId().equals(RunId.of(run)))
        .findFirst()
        .orElseThrow()
        .entry()
        .id()
        .value();
  }

  private CrewRecovery oneShotHost() {
    return cli.host("host-a", RecoveryConfig.builder().maxAttempts(1).build());
  }

  @Test
  void listShowsEntriesWithTheirComputedStateAndFilters() {
    CrewRecovery host = oneShotHost();
    String id = failedForGood(host, "r1");

    Cli.Result all = cli.run("deadletter", "list", "--json");
    Cli.Result open = cli.run("deadletter", "list", "--state", "open", "--run", "r1", "--json");
    Cli.Result discarded = cli.run("deadletter", "list", "--state", "DISCARDED", "--json");
    Cli.Result text = cli.run("deadletter", "list");

    assertThat(all.code()).as(all.toString()).isZero();
    JsonNode e = all.json().get("entries").get(0);
    assertThat(e.get("id").asText()).isEqualTo(id);
    assertThat(e.get("state").asText()).isEqualTo("OPEN");
    assertThat(e.get("reason").asText()).isEqualTo("MAX_RETRIES");
    assertThat(e.get("run").asText()).isEqualTo("r1");
    assertThat(e.get("task").asText()).isEqualTo("a");
    assertThat(e.get("attempt").asText()).isEqualTo("r1:a:1");
    assertThat(e.get("lastError").asText()).contains("the tool crashed");
    assertThat(open.json().get("entries")).hasSize(1);
    assertThat(discarded.json().get("entries")).isEmpty();
    assertThat(text.out()).contains("ID", "STATE", id, "OPEN", "MAX_RETRIES");
  }

  @Test
  void anOpenEntryMakesItsRunNeedAttention() {
    CrewRecovery host = oneShotHost();
    failedForGood(host, "r1");
    host.runs().finish(RunId.of("r1"), null);

    Cli.Result status = cli.run("status", "--all", "--json");

    assertThat(status.code()).isEqualTo(1);
    assertThat(status.json().get("runs").get(0).get("openDeadletters").asInt()).isEqualTo(1);
  }

  @Test
  void discardClosesAnOpenEntryOnceWithItsReason() {
    CrewRecovery host = oneShotHost();
    String id = failedForGood(host, "r1");

    Cli.Result first = cli.run("deadletter", "discard", id, "--reason", "known flake");
    Cli.Result second = cli.run("deadletter", "discard", id, "--reason", "again");
    JsonNode listed = cli.run("deadletter", "list", "--json").json().get("entries").get(0);

    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).contains("discarded " + id);
    assertThat(listed.get("state").asText()).isEqualTo("DISCARDED");
    assertThat(listed.get("marks").get(0).get("note").asText()).isEqualTo("known flake");
    assertThat(second.code()).isEqualTo(3);
    assertThat(second.err().lines()).hasSize(1);
    assertThat(second.err()).contains(id, "DISCARDED");
  }

  @Test
  void discardOfAnUnknownEntryOrWithoutAReasonFails() {
    Cli.Result unknown = cli.run("deadletter", "discard", "nope", "--reason", "x");
    Cli.Result noReason = cli.run("deadletter", "discard", "nope");

    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err().lines()).hasSize(1);
    assertThat(unknown.err()).contains("nope");
    assertThat(noReason.code()).isEqualTo(2);
  }

  @Test
  void redriveDryRunWritesNothingAndRedriveRequeuesAsTheOperatorSession() {
    CrewRecovery host = oneShotHost();
    String id = failedForGood(host, "r1");
    host.runs().finish(RunId.of("r1"), null);
    host.close();
    long version = cli.snapshot("r1").version();

    Cli.Result dry = cli.run("deadletter", "redrive", id, "--dry-run", "--json");

    assertThat(dry.code()).as(dry.toString()).isZero();
    assertThat(dry.json().get("written").asBoolean()).isFalse();
    assertThat(dry.json().get("state").asText()).isEqualTo("OPEN");
    assertThat(dry.json().get("changes")).isNotEmpty();
    assertThat(cli.snapshot("r1").version()).isEqualTo(version);

    Cli.Result text = cli.run("deadletter", "redrive", id);

    assertThat(text.code()).as(text.toString()).isZero();
    assertThat(text.out()).contains("redriven " + id, "MAX_RETRIES", "  - ");
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.RUNNING);
    assertThat(cli.snapshot("r1").tasks().get(0).status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(cli.snapshot("r1").manifest().owner().session()).isEqualTo(Cli.OPERATOR);
    JsonNode listed = cli.run("deadletter", "list", "--json").json().get("entries").get(0);
    assertThat(listed.get("state").asText()).isEqualTo("REDRIVEN");
    Cli.Result again = cli.run("deadletter", "redrive", id);
    assertThat(again.code()).isEqualTo(3);
    assertThat(again.err().lines()).hasSize(1);
  }

  @Test
  void aRedriveWouldTakeALiveOwnersRunOnlyWithForce() {
    CrewRecovery host = oneShotHost();
    String id = failedForGood(host, "r1");
    long version = cli.snapshot("r1").version();

    Cli.Result refused = cli.run("deadletter", "redrive", id);
    Cli.Result dry = cli.run("deadletter", "redrive", id, "--dry-run");

    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err().lines()).hasSize(1);
    assertThat(refused.err()).contains("host-a#1", "--force");
    assertThat(dry.code()).isZero();
    assertThat(dry.out()).contains("would redrive", "needs --force");
    assertThat(cli.snapshot("r1").version()).isEqualTo(version);

    Cli.Result forced = cli.run("deadletter", "redrive", id, "--force", "--json");

    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(forced.json().get("written").asBoolean()).isTrue();
    assertThat(forced.json().get("state").asText()).isEqualTo("REDRIVEN");
    assertThat(cli.snapshot("r1").manifest().epoch()).isEqualTo(2);
  }

  @Test
  void eventsPrintsTheLogAndSinceSkipsWhatWasSeen() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    List<RunEvent> stored = cli.events("r1");

    Cli.Result all = cli.run("events", "r1");
    Cli.Result json = cli.run("events", "r1", "--json");
    Cli.Result since =
        cli.run("events", "r1", "--since", Long.toString(stored.get(0).seq()), "--json");

    assertThat(all.code()).isZero();
    assertThat(all.out().lines()).hasSize(stored.size());
    assertThat(all.out()).contains("run.created", "task.started", "attempt=r1:a:1");
    List<JsonNode> lines = json.jsonLines();
    assertThat(lines)
        .extracting(n -> n.get("seq").asLong())
        .containsExactlyElementsOf(stored.stream().map(RunEvent::seq).toList());
    assertThat(lines.get(0).get("type").asText()).isEqualTo("run.created");
    assertThat(lines.get(0).get("data").get("owner").asText()).isEqualTo("host-a#1");
    assertThat(since.jsonLines()).hasSize(stored.size() - 1);
  }

  @Test
  void eventsOfAnUnknownRunIsOneLine() {
    Cli.Result r = cli.run("events", "nope");

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err().lines())
        .containsExactly("crew-recovery: no run nope in " + cli.store.root());
  }

  @Test
  void followPrintsEventsAsAnotherWriterAppendsThemUntilTheRunFinishes() throws Exception {
    CrewRecovery host = cli.host("host-a");
    AttemptId a = cli.runningRun(host, "r1", 101, "a", "b");
    int before = cli.events("r1").size();

    CompletableFuture<Cli.Result> follower =
        CompletableFuture.supplyAsync(() -> cli.run("events", "r1", "--follow", "--json"));
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              host.runs().complete(a, "out-a");
              AttemptId b =
                  host.runs().startAttempt(RunId.of("r1"), dev.crewrecovery.api.TaskId.of("b"));
              host.runs().complete(b, "out-b");
              host.runs().finish(RunId.of("r1"), null);
            });

    writer.get(30, TimeUnit.SECONDS);
    Cli.Result r = follower.get(30, TimeUnit.SECONDS);

    assertThat(r.code()).as(r.toString()).isZero();
    List<RunEvent> stored = cli.events("r1");
    assertThat(stored.size()).isGreaterThan(before);
    assertThat(r.jsonLines())
        .extracting(n -> n.get("seq").asLong())
        .containsExactlyElementsOf(stored.stream().map(RunEvent::seq).toList());
    assertThat(r.jsonLines().get(r.jsonLines().size() - 1).get("type").asText())
        .isEqualTo("run.finished");
  }

  @Test
  void followOfAFinishedRunPrintsItsLogAndReturns() {
    CrewRecovery host = cli.host("host-a");
    AttemptId a = cli.runningRun(host, "r1", 101, "a");
    host.runs().complete(a, "out");
    host.runs().finish(RunId.of("r1"), null);

    Cli.Result r = cli.run("events", "r1", "--follow");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("run.finished");
  }
}
