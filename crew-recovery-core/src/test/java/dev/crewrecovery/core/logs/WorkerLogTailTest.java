package dev.crewrecovery.core.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.SystemProcessProbe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the owner's side: a worker this JVM started dies, its observed exit fails the
 * attempt with WORKER_LOST, and the failure carries the redacted tail of the worker's log. The test
 * waits for the failure with {@code awaitTask}: no sleep, no polling.
 */
class WorkerLogTailTest {
  @TempDir Path dir;
  private Process worker;
  private SystemProcessProbe probe;
  private FileRunStore store;
  private CrewRecovery crew;

  @AfterEach
  void close() {
    if (worker != null) {
      worker.destroyForcibly();
    }
    if (crew != null) {
      crew.close();
    }
    if (store != null) {
      store.close();
    }
    if (probe != null) {
      probe.close();
    }
  }

  @Test
  void aWorkerThatDiesLeavesItsLogTailOnTheFailure() throws Exception {
    Path log = dir.resolve("worker.log");
    worker =
        new ProcessBuilder(
                "sh",
                "-c",
                "echo 'connecting with password=hunter2' >&2; echo 'fatal: out of cheese' >&2;"
                    + " echo READY; exec sleep 600")
            .redirectError(log.toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS))
        .isEqualTo("READY");

    probe = SystemProcessProbe.create();
    store = FileRunStore.open(dir.resolve("store"));
    crew =
        CrewRecovery.builder()
            .store(store)
            .probe(probe)
            .sessionId(SessionId.of("log-tail-test"))
            .config(RecoveryConfig.builder().maxAttempts(1).build())
            .build();
    crew.start();
    RunId run = RunId.of("r1");
    TaskId task = TaskId.of("t1");
    crew.runs().create(run, List.of(task));
    ProcessRef ref = probe.identify(worker).orElseThrow();
    AttemptId attempt = crew.runs().startAttempt(run, task, ref, log.toString(), false);
    CompletableFuture<RunSnapshot> ended = crew.runs().awaitTask(run, task);

    worker.destroyForcibly();

    RunSnapshot s = ended.get(60, TimeUnit.SECONDS);
    assertThat(s.task(task).orElseThrow().status()).isEqualTo(TaskStatus.FAILED);
    Failure f = s.task(task).orElseThrow().lastAttempt().orElseThrow().failure();
    assertThat(s.task(task).orElseThrow().lastAttempt().orElseThrow().id()).isEqualTo(attempt);
    assertThat(f).isNotNull();
    assertThat(f.code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(f.logTail())
        .isEqualTo("connecting with password=<redacted>\nfatal: out of cheese")
        .doesNotContain("hunter2");
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
