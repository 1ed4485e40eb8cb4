package dev.crewrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.CrewRecovery;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reconcile} and {@code recover plan|apply}: the operator session and its leases. */
class RepairCommandsTest {
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

  /** A run of a host that went away, whose worker then died. */
  private void orphan(String run, long pid) {
    CrewRecovery host = cli.host("host-" + run);
    cli.runningRun(host, run, pid, "a", "b");
    host.close();
    cli.probe.set(cli.worker(run, 0), Liveness.DEAD);
  }

  @Test
  void aDryRunReconcileWritesNothingAndTheRealOneRepairs() {
    orphan("r1", 101);
    long version = cli.snapshot("r1").version();
    int events = cli.events("r1").size();

    Cli.Result dry = cli.run("reconcile", "--dry-run", "--json");

    assertThat(dry.code()).as(dry.toString()).isZero();
    JsonNode planned = dry.json().get("runs").get(0);
    assertThat(dry.json().get("dryRun").asBoolean()).isTrue();
    assertThat(planned.get("verdict").asText()).isEqualTo("PROCESS_DEAD");
    assertThat(planned.get("action").asText()).isEqualTo("FAIL");
    assertThat(planned.get("outcome").asText()).isEqualTo("ACT");
    assertThat(cli.snapshot("r1").version()).isEqualTo(version);
    assertThat(cli.events("r1")).hasSize(events);

    Cli.Result real = cli.run("reconcile", "--json");

    assertThat(real.code()).as(real.toString()).isZero();
    JsonNode done = real.json().get("runs").get(0);
    assertThat(done.get("outcome").asText()).isEqualTo("REPAIRED");
    assertThat(real.json().get("session").asText()).isEqualTo(Cli.OPERATOR.value());
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.FAILED);
    assertThat(cli.snapshot("r1").tasks().get(0).status()).isEqualTo(TaskStatus.FAILED);
    assertThat(cli.snapshot("r1").tasks().get(1).status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(cli.store.lease(Cli.OPERATOR).orElseThrow().released())
        .as("the operator's lease is held for one command")
        .isTrue();
  }

  @Test
  void reconcileLeavesALiveOwnersRunAlone() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    cli.probe.set(cli.worker("r1", 0), Liveness.DEAD);
    long version = cli.snapshot("r1").version();

    Cli.Result dry = cli.run("reconcile", "--dry-run");
    Cli.Result real = cli.run("reconcile", "--json");

    assertThat(dry.out()).contains("dry run", "r1", "LIVE_OWNER");
    assertThat(real.json().get("runs").get(0).get("outcome").asText()).isEqualTo("LIVE_OWNER");
    assertThat(cli.snapshot("r1").version()).isEqualTo(version);
  }

  @Test
  void reconcileOfOneRunLeavesTheOthersAlone() {
    orphan("r1", 101);
    orphan("r2", 102);

    Cli.Result r = cli.run("reconcile", "--run", "r2");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("r2", "PROCESS_DEAD", "REPAIRED").doesNotContain("r1");
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.RUNNING);
    assertThat(cli.snapshot("r2").status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void recoverPlanProposesAndApplyApplies() {
    orphan("r1", 101);

    Cli.Result plan = cli.run("recover", "plan", "--json");
    long version = cli.snapshot("r1").version();
    Cli.Result apply = cli.run("recover", "apply", "--json");

    JsonNode p = plan.json().get("plans").get(0);
    assertThat(p.get("run").asText()).isEqualTo("r1");
    assertThat(p.get("verdict").asText()).isEqualTo("PROCESS_DEAD");
    assertThat(p.get("action").asText()).isEqualTo("FAIL");
    assertThat(p.get("fromPolicy").asBoolean()).isTrue();
    assertThat(p.get("resumableTasks").get(0).asText()).isEqualTo("a");
    assertThat(p.get("preservedTasks").get(0).asText()).isEqualTo("b");
    assertThat(p.get("liveOwner").asBoolean()).isFalse();
    assertThat(version).as("plan writes nothing").isEqualTo(2);
    JsonNode a = apply.json().get("results").get(0);
    assertThat(a.get("status").asText()).isEqualTo("APPLIED");
    assertThat(a.get("action").asText()).isEqualTo("FAIL");
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void anOperatorResumeAdoptsTheRunForTheOperatorSession() {
    orphan("r1", 101);

    Cli.Result r = cli.run("recover", "apply", "--run", "r1", "--action", "resume");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("r1", "RESUME", "APPLIED");
    assertThat(cli.snapshot("r1").manifest().owner().session()).isEqualTo(Cli.OPERATOR);
    assertThat(cli.snapshot("r1").manifest().epoch()).isEqualTo(2);
    assertThat(cli.snapshot("r1").tasks().get(0).status()).isEqualTo(TaskStatus.QUEUED);
  }

  @Test
  void aLiveOwnersRunIsPlannedButOnlyAForcedApplyActs() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    // A frozen worker: alive, silent for ten minutes, its host alive. Nothing repairs it alone.
    cli.clock.advance(Duration.ofMinutes(10));
    cli.renew(host);

    Cli.Result plan = cli.run("recover", "plan", "--run", "r1");
    Cli.Result unforced = cli.run("recover", "apply", "--run", "r1", "--action", "FAIL", "--json");
    long version = cli.snapshot("r1").version();
    Cli.Result forced =
        cli.run("recover", "apply", "--run", "r1", "--action", "FAIL", "--force", "--json");

    assertThat(plan.code()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("r1", "ACTIVE", "NO_OP", "live owner host-a#1", "--force");
    assertThat(cli.run("recover", "plan", "--json").json().get("plans"))
        .as("a plan of every run leaves the live owner's out")
        .isEmpty();
    assertThat(unforced.json().get("results").get(0).get("status").asText()).isEqualTo("SKIPPED");
    assertThat(unforced.json().get("results").get(0).get("detail").asText()).contains("forced");
    assertThat(version).isEqualTo(2);
    assertThat(forced.json().get("results").get(0).get("status").asText()).isEqualTo("APPLIED");
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.FAILED);
    assertThat(cli.snapshot("r1").manifest().epoch()).isEqualTo(2);
    RunEvent reconciled =
        cli.events("r1").stream()
            .filter(e -> e.type().equals("run.reconciled"))
            .findFirst()
            .orElseThrow();
    assertThat(reconciled.data()).containsEntry("forced", "true");
  }

  @Test
  void aFailedRunCanBeRetriedByName() {
    orphan("r1", 101);
    cli.run("reconcile");
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.FAILED);

    Cli.Result plan = cli.run("recover", "plan", "--run", "r1", "--json");
    Cli.Result retry = cli.run("recover", "apply", "--run", "r1", "--action", "RETRY", "--json");

    assertThat(plan.json().get("plans").get(0).get("verdict").asText()).isEqualTo("TERMINAL");
    assertThat(retry.json().get("results").get(0).get("status").asText())
        .as(retry.toString())
        .isEqualTo("APPLIED");
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.RUNNING);
    assertThat(cli.snapshot("r1").tasks().get(0).status()).isEqualTo(TaskStatus.QUEUED);
  }

  @Test
  void anActionTheVerdictForbidsIsAUsageError() {
    CrewRecovery host = cli.host("host-a");
    cli.runningRun(host, "r1", 101, "a");
    host.runs().finish(dev.crewrecovery.api.RunId.of("r1"), RunStatus.CANCELLED);

    Cli.Result r = cli.run("recover", "apply", "--run", "r1", "--action", "RESUME");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("RESUME", "not allowed", "TERMINAL");
    assertThat(cli.snapshot("r1").status()).isEqualTo(RunStatus.CANCELLED);
  }

  @Test
  void actionAndForceNeedARun() {
    Cli.Result action = cli.run("recover", "apply", "--action", "FAIL");
    Cli.Result force = cli.run("recover", "plan", "--force");

    assertThat(action.code()).isEqualTo(2);
    assertThat(action.err()).contains("--run");
    assertThat(force.code()).isEqualTo(2);
  }
}
