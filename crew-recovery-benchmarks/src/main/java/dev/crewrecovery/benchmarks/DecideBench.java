package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.core.internal.decide.Decider;
import dev.crewrecovery.core.internal.decide.DecisionPolicy;
import dev.crewrecovery.core.internal.decide.Evidence;
import dev.crewrecovery.core.internal.decide.TaskObservation;
import dev.crewrecovery.core.internal.decide.TimeState;
import dev.crewrecovery.core.internal.decide.Verdict;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 4: throughput of the pure decision function on a prepared evidence set. The evidence is
 * built once; each call decides it again, as the recovery loop does for every active run on every
 * pass.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DecideBench {

  private static final String HOST = "bench-host";

  /**
   * HEALTHY: every task's worker probes ALIVE and was seen 1 s ago (verdict ACTIVE). ONE_DEAD: the
   * same with the last worker probed DEAD (ACTIVE, with task-level repair of the dead one). SILENT:
   * no probe results and heartbeats 10 min old (STALE_NO_PROCESS, the run-level repair).
   */
  @Param({"HEALTHY", "ONE_DEAD", "SILENT"})
  public String scenario = "HEALTHY";

  /** Tasks per run. */
  @Param({"4", "64"})
  public int tasks = 4;

  private Evidence evidence =
      Evidence.of(Fixtures.finishedRun(RunId.of("unset"), 1, Instant.EPOCH));
  private Instant now = Instant.EPOCH;
  private final TimeState time = TimeState.calm();
  private final DecisionPolicy policy = DecisionPolicy.defaults(HOST);

  /** Builds the evidence of the scenario. */
  @Setup
  public void setUp() {
    now = Instant.parse("2030-01-01T12:00:00Z");
    Instant started = now.minusSeconds(3_600);
    ProcessRef worker = ProcessRef.linux(4242, HOST, "boot-1", 123_456);
    RunSnapshot run = Fixtures.runningRun(RunId.of("run-decide"), tasks, null, worker, started);
    Evidence.Builder b = Evidence.builder(run);
    boolean silent = scenario.equals("SILENT");
    Instant seen = silent ? now.minusSeconds(600) : now.minusSeconds(1);
    int i = 0;
    for (TaskState t : run.tasks()) {
      Attempt a = t.attempts().get(t.attempts().size() - 1);
      b.observation(TaskObservation.of(a.id(), seen, null));
      if (!silent) {
        boolean dead = scenario.equals("ONE_DEAD") && i == run.tasks().size() - 1;
        b.workerProbe(
            a.id(), Objects.requireNonNull(a.worker()), dead ? Liveness.DEAD : Liveness.ALIVE);
      }
      i++;
    }
    evidence = b.build();
    Verdict v = decide();
    System.out.println(
        String.format(Locale.ROOT, "%n[decide] %s x%d -> %s", scenario, tasks, v.kind()));
  }

  /** One decision. */
  @Benchmark
  public Verdict decide() {
    return Decider.decide(evidence, now, time, policy);
  }
}
